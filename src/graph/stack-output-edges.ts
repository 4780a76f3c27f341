import type { Problem } from '../errors.js';
import { didYouMean } from '../config/resolve-config.js';
import type { ResolvedConfig, ResolvedStack } from '../config/resolve-config.js';
import type { TemplateInfo, TemplateStackOutputRead } from '../template/analyze-template.js';
import type { ResolvedName } from '../template/resolve-name.js';
import { matchName } from './match-names.js';
import type { NameResolver } from './names-through-config.js';
import type { Edge, ExternalInput } from './types.js';

export interface StackOutputEdges {
  edges: Edge[];
  external: ExternalInput[];
  problems: Problem[];
  warnings: Problem[];
}

/** Whether a read's region or account is the config's: `maybe` when a piece is not known before deploy. */
type Fit = 'same' | 'maybe' | 'other';

/**
 * Edges from `Fn::GetStackOutput`: to the config stack whose CloudFormation name, region and
 * account match. The config deploys every stack to one account and region; a `Region` naming
 * another region, or a `RoleArn` naming an account (the way to read another account's stack), is
 * an input from outside the config: listed, not an error.
 */
export function stackOutputEdges(
  stack: ResolvedStack,
  reads: readonly TemplateStackOutputRead[],
  config: ResolvedConfig,
  templates: ReadonlyMap<string, TemplateInfo>,
  resolveNames: NameResolver,
): StackOutputEdges {
  const result: StackOutputEdges = { edges: [], external: [], problems: [], warnings: [] };
  for (const read of reads) {
    const stackName = resolveNames(stack.id, read.stackName);
    const outputName = resolveNames(stack.id, read.outputName);
    const region = read.region && resolveNames(stack.id, read.region);
    const roleArn = read.roleArn && resolveNames(stack.id, read.roleArn);
    const what = `Fn::GetStackOutput ${stackName.value}.${outputName.value} in ${read.usedBy}`;
    const external = (why: string): void => {
      result.external.push({
        stack: stack.id,
        via: 'stack-output',
        name: `${stackName.value}.${outputName.value}`,
        detail: `${what}: ${why}`,
        location: read.location,
      });
    };

    const regionFit = fitRegion(region, config.region);
    const accountFit = fitAccount(roleArn);
    if (regionFit === 'other') {
      external(`a stack in region ${region?.value ?? ''}, outside this config`);
      continue;
    }
    if (accountFit === 'other') {
      external(`a stack in account ${accountOf(roleArn?.value ?? '') ?? ''} (RoleArn), outside this config`);
      continue;
    }

    let matched = 0;
    for (const candidate of config.stacks) {
      const byName = matchName(stackName, { value: candidate.stackName, unknowns: [] });
      if (!byName) continue;
      // A wildcard never stands for the reading stack itself.
      if (candidate.id === stack.id && byName === 'pattern') continue;
      const pattern =
        byName === 'pattern' || outputName.unknowns.length > 0 || regionFit !== 'same' || accountFit !== 'same';
      const template = templates.get(candidate.id);
      const output = template?.outputs.find((o) => matchName(outputName, { value: o.name, unknowns: [] }));
      if (template && !output) {
        // A pattern candidate without the output is not the stack meant; a certain one is a mistake.
        if (pattern) continue;
        const names = template.outputs.map((o) => o.name);
        result.problems.push({
          stack: stack.id,
          location: read.location,
          message:
            `${what} reads output "${outputName.value}" of stack ${candidate.id} ("${candidate.stackName}"), ` +
            `but ${template.file} has no such output`,
          hint:
            didYouMean(outputName.value, names) ??
            (names.length ? `its outputs are: ${names.join(', ')}` : 'that template declares no outputs'),
        });
        matched += 1;
        continue;
      }
      matched += 1;
      if (candidate.id === stack.id) {
        result.warnings.push({
          stack: stack.id,
          location: read.location,
          message: `${what} reads an output of its own stack: it gets the value from the stack's previous update`,
          hint: 'use !Ref or !GetAtt inside the same template instead of Fn::GetStackOutput',
        });
        continue;
      }
      result.edges.push({
        stack: stack.id,
        dependsOn: candidate.id,
        via: 'stack-output',
        detail:
          `${what}, output ${outputName.value} of ${candidate.id}` +
          (pattern ? ` (matched as a pattern${assumptions(regionFit, accountFit)})` : ''),
        location: read.location,
        providedAt: output?.location,
        outputName: output?.name ?? outputName.value,
        ...(pattern ? { pattern: true as const } : {}),
      });
    }
    if (matched === 0) {
      external('no stack of this config has that name');
      if (stackName.unknowns.length === 0 && regionFit === 'same' && accountFit === 'same') {
        const hint = didYouMean(
          stackName.value,
          config.stacks.map((s) => s.stackName),
        );
        result.warnings.push({
          stack: stack.id,
          location: read.location,
          message: `${what} names stack "${stackName.value}", which this config does not deploy; it is assumed to exist outside it`,
          hint: hint ?? 'if a stack of this config is meant, check the name against its CloudFormation stack name',
        });
      }
    }
  }
  return result;
}

function assumptions(region: Fit, account: Fit): string {
  const parts = [
    ...(region === 'maybe' ? ['assuming its Region is the one this config deploys to'] : []),
    ...(account === 'maybe' ? ["assuming its RoleArn's account is the one this config deploys to"] : []),
  ];
  return parts.length ? `, ${parts.join(', ')}` : '';
}

function fitRegion(region: ResolvedName | undefined, configRegion: string | undefined): Fit {
  if (region === undefined) return 'same';
  if (region.unknowns.length === 0)
    return configRegion === undefined ? 'maybe' : region.value === configRegion ? 'same' : 'other';
  return region.value === '${AWS::Region}' ? 'same' : 'maybe';
}

/** `arn:<partition>:iam::<account>:role/...`: a RoleArn names the account whose stack is read. */
function fitAccount(roleArn: ResolvedName | undefined): Fit {
  if (roleArn === undefined) return 'same';
  const account = accountOf(roleArn.value);
  if (account === '${AWS::AccountId}') return 'same';
  // The config says nothing of accounts, and a RoleArn is how a template reads another account.
  if (account !== undefined && /^\d{12}$/.test(account)) return 'other';
  return 'maybe';
}

// `${AWS::AccountId}` holds colons: a piece is a `${...}` or a run of non-colons.
const ROLE_ARN = /^arn:(?:\$\{[^}]*\}|[^:])*:iam::((?:\$\{[^}]*\}|[^:])*):/;

function accountOf(arn: string): string | undefined {
  return ROLE_ARN.exec(arn)?.[1];
}
