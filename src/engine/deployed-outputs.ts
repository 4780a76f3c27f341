import type { CloudFormationPort } from '../aws/ports.js';
import { hasDeployedOutputs } from './stack-status.js';

/**
 * Reads the outputs of deployed stacks, once per stack for the run: `undefined` when the stack
 * is absent or has nothing deployed (REVIEW_IN_PROGRESS, a failed first create, being deleted).
 */
export function deployedOutputsReader(
  cf: CloudFormationPort,
  stackNameOf: (id: string) => string | undefined,
): (id: string) => Promise<Record<string, string> | undefined> {
  const read = new Map<string, Promise<Record<string, string> | undefined>>();
  return (id) => {
    const stackName = stackNameOf(id);
    if (stackName === undefined) return Promise.resolve(undefined);
    let pending = read.get(id);
    if (!pending) {
      pending = cf
        .describeStack(stackName)
        .then((d) =>
          d && hasDeployedOutputs(d.status) ? Object.fromEntries(d.outputs.map((o) => [o.key, o.value])) : undefined,
        );
      read.set(id, pending);
    }
    return pending;
  };
}
