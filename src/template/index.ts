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
  TemplateStackOutputRead,
  AnalyzeOptions,
} from './analyze-template.js';
export { resolveName, resolveCandidates, isExact } from './resolve-name.js';
export { mergeNestedTemplates } from './nested-templates.js';
export { expandForEach } from './expand-foreach.js';
export { findSsmReferences } from './ssm-dynamic-references.js';
export type { SsmDynamicReference } from './ssm-dynamic-references.js';
export { SHORT_FORM_TAGS } from './short-form-tags.js';
export type { ResolvedName, ResolveContext } from './resolve-name.js';
export { checkStackParameters, checkStackOutputs } from './check-stack-parameters.js';
