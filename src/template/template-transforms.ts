import type { ParsedTemplate, TemplateValue } from './parse-template.js';

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

export interface TemplateTransforms {
  /** `Transform: AWS::Serverless-2016-10-31`: SAM's implicit resources count as declared. */
  sam: boolean;
  /**
   * What can rewrite the template beyond what stackpilot can follow, for the message: macros,
   * `AWS::Include`, `Fn::Transform` anywhere, and `Fn::ForEach` (AWS::LanguageExtensions), whose
   * expansion makes resources and outputs stackpilot does not expand here.
   */
  unknown: string[];
}

/** Which transforms the template asks for, and which of them stackpilot cannot see through. */
export function transformsOf(template: ParsedTemplate): TemplateTransforms {
  const body = template.body;
  const declared = Object.hasOwn(body, 'Transform') ? body.Transform : undefined;
  const names = (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).map(transformName);
  const unknown = names.filter((n) => n !== SAM_TRANSFORM && n !== LANGUAGE_EXTENSIONS).map((n) => `the macro ${n}`);
  const keys = new Set<string>();
  collectIntrinsicKeys(body, keys);
  if (keys.has('Fn::Transform')) unknown.push('Fn::Transform');
  if (keys.has('Fn::ForEach')) unknown.push('Fn::ForEach (AWS::LanguageExtensions)');
  return { sam: names.includes(SAM_TRANSFORM), unknown };
}

function transformName(value: TemplateValue): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.Name === 'string')
    return value.Name;
  return JSON.stringify(value);
}

/** `Fn::Transform` and `Fn::ForEach` (for `Fn::ForEach::<Name>`) wherever they are, in one walk. */
function collectIntrinsicKeys(value: TemplateValue, keys: Set<string>): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectIntrinsicKeys(item, keys);
    return;
  }
  for (const key of Object.keys(value)) {
    if (key === 'Fn::Transform') keys.add(key);
    else if (key.startsWith('Fn::ForEach::')) keys.add('Fn::ForEach');
    collectIntrinsicKeys(value[key] ?? null, keys);
  }
}
