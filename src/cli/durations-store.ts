import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackDurations } from '../engine/index.js';
import { writeFileAtomic } from '../write-file-atomic.js';

/**
 * What each stack's phases took in earlier runs, kept per stage beside the config
 * (`.stackpilot/durations-<stage>.json`): the scheduler's priorities and, later, the UI's
 * time-left estimate. A missing or unreadable file is simply no history.
 */
export function durationsFile(configDir: string, stage: string, simulated = false): string {
  // Simulated timings must never pace or prioritise real deploys.
  return join(configDir, '.stackpilot', `durations-${stage}${simulated ? '.simulated' : ''}.json`);
}

export async function readDurations(file: string): Promise<Record<string, StackDurations>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, StackDurations>)
      : {};
  } catch {
    return {};
  }
}

/** Blends the new measurements into the old (recent runs weigh more, one slow run does not dominate). */
export function mergeDurations(
  previous: Record<string, StackDurations>,
  measured: ReadonlyMap<string, StackDurations>,
): Record<string, StackDurations> {
  const blend = (old: number | undefined, now: number | undefined): number | undefined =>
    now === undefined ? old : old === undefined ? now : Math.round(0.4 * old + 0.6 * now);
  const merged: Record<string, StackDurations> = { ...previous };
  for (const [id, now] of measured) {
    const old = previous[id] ?? {};
    const changeSetMs = blend(old.changeSetMs, now.changeSetMs);
    // An unchanged stack has no execution: keep the last real one.
    const executeMs = blend(old.executeMs, now.executeMs);
    merged[id] = {
      ...(changeSetMs === undefined ? {} : { changeSetMs }),
      ...(executeMs === undefined ? {} : { executeMs }),
    };
  }
  return merged;
}

export async function writeDurations(file: string, durations: Record<string, StackDurations>): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(durations, null, 2)}\n`);
}
