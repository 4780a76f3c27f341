import type { OperationRecord } from './model.js';

/** One API call the simulator answered (or throttled), at virtual time `at`. */
export interface SimCall {
  at: number;
  /** The wire operation: `DescribeStacks`, `DescribeStackEvents`, `GetParameter`, ... */
  operation: string;
  /** The stack the call was about, when there is one. */
  stackName: string | undefined;
  throttled: boolean;
}

export interface SimChangeSetRecord {
  stackName: string;
  changeSetId: string;
  createdAt: number;
  /** When it left CREATE_IN_PROGRESS (ready, or FAILED with no changes). */
  readyAt: number;
  status: string;
}

export interface SimStats {
  calls: SimCall[];
  totalCalls: number;
  throttledCalls: number;
  callsByOperation: Record<string, number>;
  callsByStack: Record<string, number>;
  /** The most calls in any one-second window of virtual time. */
  peakCallsPerSecond: number;
  /** Every stack operation: when it started and when CloudFormation finished it. */
  operations: OperationRecord[];
  changeSets: SimChangeSetRecord[];
}

export function summarize(
  calls: readonly SimCall[],
  operations: readonly OperationRecord[],
  changeSets: readonly SimChangeSetRecord[],
): SimStats {
  const callsByOperation: Record<string, number> = {};
  const callsByStack: Record<string, number> = {};
  let throttled = 0;
  for (const call of calls) {
    callsByOperation[call.operation] = (callsByOperation[call.operation] ?? 0) + 1;
    if (call.stackName !== undefined) callsByStack[call.stackName] = (callsByStack[call.stackName] ?? 0) + 1;
    if (call.throttled) throttled += 1;
  }
  return {
    calls: calls.map((c) => ({ ...c })),
    totalCalls: calls.length,
    throttledCalls: throttled,
    callsByOperation,
    callsByStack,
    peakCallsPerSecond: peakPerWindow(
      calls.map((c) => c.at),
      1000,
    ),
    operations: operations.map((o) => ({ ...o })),
    changeSets: changeSets.map((c) => ({ ...c })),
  };
}

/** The most timestamps in any half-open window [t, t + windowMs). */
export function peakPerWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first += 1;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}
