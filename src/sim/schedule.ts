import { unitHash } from './random.js';

export interface Task {
  id: string;
  /** Tasks that must end before this one starts; ids outside the task list are ignored. */
  deps: readonly string[];
}

export interface Slot {
  start: number;
  end: number;
}

/**
 * Spreads tasks over [windowStart, windowEnd] (ms): each task gets a stable relative weight
 * (0.6-1.4, from its id), starts when its last dependency ends (tasks whose dependencies are done
 * run in parallel), and the whole schedule is scaled so the last task ends at `windowEnd`.
 * With `reverse`, dependencies are inverted: a task ends before the ones it depends on start
 * (deletion order).
 */
export function scheduleTasks(
  tasks: readonly Task[],
  windowStart: number,
  windowEnd: number,
  reverse = false,
): Map<string, Slot> {
  const ids = new Set(tasks.map((t) => t.id));
  const deps = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks) {
    for (const dep of task.deps) {
      if (!ids.has(dep) || dep === task.id) continue;
      if (reverse) deps.get(dep)?.push(task.id);
      else deps.get(task.id)?.push(dep);
    }
  }
  const weight = (id: string): number => 0.6 + 0.8 * unitHash(id);
  const relative = new Map<string, Slot>();
  const visiting = new Set<string>();
  const place = (id: string): Slot => {
    const known = relative.get(id);
    if (known) return known;
    visiting.add(id);
    let start = 0;
    for (const dep of deps.get(id) ?? []) {
      if (visiting.has(dep)) continue; // a cycle: the template check refuses these; be safe anyway
      start = Math.max(start, place(dep).end);
    }
    visiting.delete(id);
    const slot = { start, end: start + weight(id) };
    relative.set(id, slot);
    return slot;
  };
  for (const task of tasks) place(task.id);

  const makespan = Math.max(0, ...[...relative.values()].map((s) => s.end));
  const span = Math.max(0, windowEnd - windowStart);
  const scale = makespan > 0 ? span / makespan : 0;
  const slots = new Map<string, Slot>();
  for (const task of tasks) {
    const r = relative.get(task.id) ?? { start: 0, end: 0 };
    const start = windowStart + Math.round(r.start * scale);
    // At least 2 ms, so that a resource's events (start, initiated, end) have distinct timestamps.
    const end = Math.max(start + 2, windowStart + Math.round(r.end * scale));
    slots.set(task.id, { start, end });
  }
  return slots;
}
