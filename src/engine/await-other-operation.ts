import type { CloudFormationPort, StackDescription } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { pollUntil } from './deploy/poll.js';
import type { EngineEvent } from './events.js';
import { isInProgress } from './stack-status.js';

export interface AwaitOtherOperationOptions {
  cf: CloudFormationPort;
  clock: Clock;
  emit: (event: EngineEvent) => void;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Another operation runs on the stack (someone else's, or an earlier run's): poll it, emitting
 * `stack:settling` with the time waited, until it is no longer in progress or `timeoutMs` passes.
 * Deploy and destroy both wait this way; each words its own timeout error.
 */
export async function awaitOtherOperation(
  ref: { stack: string; stackName: string },
  current: StackDescription,
  options: AwaitOtherOperationOptions,
): Promise<{ settled: true; stack: StackDescription | undefined } | { settled: false; lastStatus: string }> {
  const { clock, emit } = options;
  const start = clock.now();
  emit({ type: 'stack:settling', ...ref, status: current.status, waitedSeconds: 0 });
  let latest: StackDescription | undefined = current;
  const settled = await pollUntil(
    async () => {
      latest = await options.cf.describeStack(current.stackId);
      if (!latest || !isInProgress(latest.status)) return { value: latest };
      const waitedSeconds = Math.round((clock.now() - start) / 1000);
      emit({ type: 'stack:settling', ...ref, status: latest.status, waitedSeconds });
      return undefined;
    },
    {
      clock,
      ...(options.signal ? { signal: options.signal } : {}),
      initialDelayMs: 2_000,
      maxDelayMs: 15_000,
      timeoutMs: options.timeoutMs,
      delayFirst: true,
    },
  );
  return settled
    ? { settled: true, stack: settled.value }
    : { settled: false, lastStatus: latest?.status ?? current.status };
}
