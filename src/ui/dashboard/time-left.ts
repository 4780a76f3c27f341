/** The time-left estimate as last shown, and when (on the run's clock). */
export interface ShownEstimate {
  at: number;
  ms: number;
}

/**
 * Seconds the shown estimate may grow per second of the run: a stack running past its recorded
 * time, or one found to have work, stretches the footer's time left gradually.
 */
export const MAX_GROWTH_PER_MS = 0.5;

/**
 * What the footer shows from the critical-path estimate (`timeLeftMs`), which jumps when a stack
 * starts, finishes or runs past its recorded time (issue 17: `3m53s` → `6m07s` → `2m09s`). The shown
 * value counts down with the run; news that the run will end sooner is shown at once (stacks
 * finish early or are found unchanged, and a countdown stuck above the truth helps nobody), news
 * that it will take longer moves it up by at most `MAX_GROWTH_PER_MS` per ms of the run (from
 * what was shown, so that an estimate that holds is reached).
 * Undefined when there is no estimate.
 */
export function smoothTimeLeft(
  shown: ShownEstimate | undefined,
  estimateMs: number | undefined,
  now: number,
): number | undefined {
  if (estimateMs === undefined) return undefined;
  if (shown === undefined) return estimateMs;
  const elapsed = Math.max(0, now - shown.at);
  const counted = Math.max(0, shown.ms - elapsed);
  if (estimateMs <= counted) return estimateMs;
  return Math.min(estimateMs, Math.max(counted, shown.ms + elapsed * MAX_GROWTH_PER_MS));
}
