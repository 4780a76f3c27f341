import type { Parameter, SsmPort } from '../../aws/ports.js';
import { isOutputRef, isSsmRef } from '../../config/resolve-config.js';
import type { ResolvedStack } from '../../config/resolve-config.js';
import type { TemplateInfo } from '../../template/analyze-template.js';
import { PLACEHOLDER_MARK } from '../../config/placeholder.js';
import { DeployError } from '../deploy-errors.js';

export interface ResolvedParameters {
  parameters: Parameter[];
  /** Keys whose values must never be printed: NoEcho parameters and SecureString values. */
  secretKeys: ReadonlySet<string>;
}

/** Outputs of another stack: from this run if it deployed it, else from the deployed stack. */
export type OutputsLookup = (stackId: string) => Promise<Record<string, string>>;

/** What to do about an output the upstream stack lacks, when the run knows better than "deploy it first". */
export type MissingOutputHint = (upstream: string) => string | undefined;

/** Step 1 of DESIGN.md "Deploying one stack": literals, upstream outputs, SSM values. */
export async function resolveParameters(
  stack: ResolvedStack,
  template: TemplateInfo,
  outputsOf: OutputsLookup,
  ssm: SsmPort,
  missingOutputHint?: MissingOutputHint,
): Promise<ResolvedParameters> {
  const secretKeys = new Set(template.parameters.filter((p) => p.noEcho).map((p) => p.name));
  const parameters: Parameter[] = [];
  for (const [key, value] of Object.entries(stack.parameters)) {
    if (isOutputRef(value)) {
      const outputs = await outputsOf(value.output.stack);
      const resolved = Object.hasOwn(outputs, value.output.name) ? outputs[value.output.name] : undefined;
      if (resolved === undefined) {
        throw new DeployError(
          'OUTPUT_MISSING',
          `parameter ${key} of ${stack.id} needs output ${value.output.name} of stack ${value.output.stack}, ` +
            'which the deployed stack does not have',
          {
            hint:
              missingOutputHint?.(value.output.stack) ??
              `deploy ${value.output.stack} first (stackpilot deploy ${value.output.stack}), or check the output name`,
          },
        );
      }
      parameters.push({ key, value: resolved });
    } else if (isSsmRef(value)) {
      const found = await ssm.getParameter(value.ssm);
      if (!found) {
        throw new DeployError(
          'SSM_MISSING',
          `parameter ${key} of ${stack.id} reads SSM parameter ${value.ssm}, which does not exist`,
          {
            hint: `create it (aws ssm put-parameter --name ${value.ssm} ...) or fix the name in the config`,
          },
        );
      }
      if (found.type === 'SecureString') secretKeys.add(key);
      parameters.push({ key, value: found.value });
    } else if (typeof value === 'string' && value.startsWith(PLACEHOLDER_MARK)) {
      throw new DeployError(
        'PLACEHOLDER',
        `parameter ${key} of ${stack.id} is still the placeholder stackpilot init wrote`,
        {
          hint: `fill in stacks.${stack.id}.parameters.${key} in the config (e.g. ssm('/name') for a secret)`,
        },
      );
    } else {
      parameters.push({ key, value: Array.isArray(value) ? value.join(',') : String(value) });
    }
  }
  return { parameters, secretKeys };
}
