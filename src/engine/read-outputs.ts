import type { CloudFormationPort, StackOutput } from '../aws/ports.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { hasDeployedOutputs } from './stack-status.js';

/** One stack's deployed outputs, or why it has none to show. */
export interface StackOutputs {
  stack: string;
  stackName: string;
  /** The stack's StackStatus; undefined when there is no such stack. */
  status: string | undefined;
  /** Whether something is deployed whose outputs count (not absent, under review, or a failed first create). */
  deployed: boolean;
  /** In the order CloudFormation gives them; empty when not deployed. */
  outputs: StackOutput[];
}

/**
 * `stackpilot outputs`: one DescribeStacks per stack, in the order given, one at a time (a few
 * reads; the account's API budget applies anyway). Parameters are never part of the result.
 */
export async function readStackOutputs(
  config: Pick<ResolvedConfig, 'stacks'>,
  stacks: readonly string[],
  cf: CloudFormationPort,
): Promise<StackOutputs[]> {
  const results: StackOutputs[] = [];
  for (const id of stacks) {
    const stackName = config.stacks.find((s) => s.id === id)?.stackName ?? id;
    const described = await cf.describeStack(stackName);
    const deployed = described !== undefined && hasDeployedOutputs(described.status);
    results.push({
      stack: id,
      stackName,
      status: described?.status,
      deployed,
      outputs: deployed ? described.outputs : [],
    });
  }
  return results;
}
