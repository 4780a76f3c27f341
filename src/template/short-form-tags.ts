/**
 * The short-form tags of CloudFormation YAML. Each becomes the long form `{ "Fn::X": ... }`,
 * except `!Ref` and `!Condition`, whose long forms have no `Fn::` prefix.
 *
 * Sources: the intrinsic function reference (Base64 … Transform, GetStackOutput), the
 * `AWS::LanguageExtensions` transform (Length, ToJsonString; `Fn::ForEach` has no tag, it is a
 * key), and the rule functions of the `Rules` section (Contains … ValueOfAll), which CloudFormation
 * reads with the same `!` prefix as every other function.
 */
export const SHORT_FORM_TAGS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'And',
  'Or',
  'Not',
  'FindInMap',
  'GetAZs',
  'Base64',
  'Cidr',
  'Transform',
  'Length',
  'ToJsonString',
  'GetStackOutput',
  // Rule functions (only valid inside `Rules`; CloudFormation says so itself if misplaced).
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
] as const;

export function longFormKey(tag: string): string {
  return tag === 'Ref' || tag === 'Condition' ? tag : `Fn::${tag}`;
}
