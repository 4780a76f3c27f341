export { readTemplate, parseTemplate } from './parse-template.js';
export type { ParsedTemplate, TemplateValue, TemplateObject, Position } from './parse-template.js';
export { analyzeTemplate } from './analyze-template.js';
export type {
  TemplateInfo,
  TemplateParameter,
  TemplateResource,
  TemplateOutput,
  TemplateImport,
  TemplateSsmRead,
  TemplateSsmWrite,
  AnalyzeOptions,
} from './analyze-template.js';
export { resolveName, isExact } from './resolve-name.js';
export type { ResolvedName, ResolveContext } from './resolve-name.js';
export { checkStackParameters, checkStackOutputs } from './check-stack-parameters.js';
