import type { TemplateValue } from './parse-template.js';
import { resolveName } from './resolve-name.js';
import type { ResolveContext, ResolvedName } from './resolve-name.js';

export interface StackOutputReference {
  stackName: ResolvedName;
  outputName: ResolvedName;
  region?: ResolvedName;
  roleArn?: ResolvedName;
}

const FIELDS = ['StackName', 'OutputName', 'Region', 'RoleArn'];

/**
 * Reads the argument of `Fn::GetStackOutput`: a mapping with `StackName` and `OutputName`
 * (required) and `Region`, `RoleArn` (optional), each a string or an intrinsic function
 * (TemplateReference: intrinsic-function-reference-getstackoutput). Anything else is a problem
 * to report: CloudFormation would refuse the template.
 */
export function readStackOutputReference(
  argument: TemplateValue,
  context: ResolveContext,
): StackOutputReference | { problem: string } {
  if (argument === null || typeof argument !== 'object' || Array.isArray(argument))
    return { problem: 'expects a mapping with StackName and OutputName (and optionally Region, RoleArn)' };
  const field = (name: string): TemplateValue | undefined =>
    Object.hasOwn(argument, name) ? argument[name] : undefined;
  const stackName = field('StackName');
  const outputName = field('OutputName');
  const missing = ['StackName', 'OutputName'].filter((name) => field(name) === undefined);
  if (stackName === undefined || outputName === undefined) return { problem: `${missing.join(' and ')} missing` };
  const unknownKeys = Object.keys(argument).filter((key) => !FIELDS.includes(key));
  if (unknownKeys.length > 0)
    return { problem: `unknown field ${unknownKeys.join(', ')}: it takes StackName, OutputName, Region, RoleArn` };
  const region = field('Region');
  const roleArn = field('RoleArn');
  return {
    stackName: resolveName(stackName, context),
    outputName: resolveName(outputName, context),
    ...(region === undefined ? {} : { region: resolveName(region, context) }),
    ...(roleArn === undefined ? {} : { roleArn: resolveName(roleArn, context) }),
  };
}
