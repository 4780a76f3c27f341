/**
 * What one stack's API call is worth to the run, for the shared budget (DESIGN.md,
 * "Scheduling"): the limiter serves the highest rank first. Tiers first, then the stack's
 * remaining path (its scheduling priority, in seconds), so that within a tier the critical
 * path goes first.
 *
 * - `running`: polls of an operation CloudFormation is executing (and the execute call itself):
 *   its end unblocks stacks waiting on it, and a late poll is pure delay;
 * - `ready`: a stack that will execute the moment its change set is ready;
 * - `speculative`: a change set made early for a stack that cannot execute yet (upstream stacks
 *   still deploying), and clean-up of change sets that will not run.
 */
export type CallTier = 'speculative' | 'ready' | 'running';

const TIERS: Readonly<Record<CallTier, number>> = { speculative: 0, ready: 1, running: 2 };
/** Wider than any remaining path in seconds (a thousand stacks of hours each), so tiers never mix. */
const TIER_WIDTH = 1e9;

export function callRank(tier: CallTier, remainingPathSeconds: number): number {
  return TIERS[tier] * TIER_WIDTH + Math.min(TIER_WIDTH - 1, Math.max(0, remainingPathSeconds));
}

/** Below every tier: reads that only help (durations from CloudFormation's events before a run). */
export const LOWEST_RANK = -1;
