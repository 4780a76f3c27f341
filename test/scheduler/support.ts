/**
 * Scheduler test support: the real engine (`deployRun`) against the simulator, in virtual time,
 * behind `resilientPorts` with one `RateLimiter` on the same clock (as `--simulate` wires it).
 * Every engine event is recorded with `clock.now()` and its emission index, so tests can reason
 * about order and overlap without ever looking at the wall clock.
 */
import type { AwsError } from '../../src/aws/errors.js';
import type { AwsPorts, CloudFormationPort, SsmPort } from '../../src/aws/ports.js';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { resilientPorts } from '../../src/aws/resilient-ports.js';
import { deployRun } from '../../src/engine/deploy/deploy-run.js';
import type { DeployRunOptions, DeployRunResult } from '../../src/engine/deploy/deploy-run.js';
import type { EngineEvent, StackOutcome } from '../../src/engine/events.js';
import type { Project } from '../../src/graph/load-project.js';
import { createSimulator, createVirtualClock, resolveScenario } from '../../src/sim/index.js';
import type { ScenarioFile, ScenarioStackInfo, SimScenario, Simulator, VirtualClock } from '../../src/sim/index.js';
import { approveAll } from '../engine/support.js';

export const START = Date.UTC(2025, 0, 1);

/** One engine event, when it was emitted (virtual ms) and in which position. */
export interface Recorded {
  at: number;
  index: number;
  event: EngineEvent;
}

export interface SimWorld {
  clock: VirtualClock;
  sim: Simulator;
  project: Project;
}

/**
 * A scenario file as a user writes it (keyed by stack id), mapped to stack names the way
 * `--simulate=FILE` maps it: stacks that `existing` sets up get the project's template and literal
 * parameters.
 */
export function scenarioFor(project: Project, file: ScenarioFile): SimScenario {
  const infos = new Map<string, ScenarioStackInfo>(
    project.config.stacks.map((s) => [
      s.id,
      {
        stackName: s.stackName,
        templateBody: project.templates.get(s.id)?.body ?? '',
        tags: { ...s.tags },
        parameters: Object.entries(s.parameters).flatMap(([key, value]) =>
          typeof value === 'object' && !Array.isArray(value)
            ? []
            : [{ key, value: Array.isArray(value) ? value.join(',') : String(value) }],
        ),
      },
    ]),
  );
  return resolveScenario(file, infos);
}

/** A simulated account for `project`, on a fresh virtual clock: `file` keyed by stack id, or `scenario` by stack name. */
export function simWorld(
  project: Project,
  options: { file?: ScenarioFile; scenario?: SimScenario; seed?: number } = {},
): SimWorld {
  const clock = createVirtualClock(START);
  const sim = createSimulator({
    clock,
    scenario: options.scenario ?? scenarioFor(project, options.file ?? {}),
    seed: options.seed ?? 1,
  });
  return { clock, sim, project };
}

export interface SchedRun {
  result: DeployRunResult;
  log: Recorded[];
  limiter: RateLimiter;
  /** Virtual time the run started at. */
  startedAt: number;
}

export interface RunOptions extends Partial<Omit<DeployRunOptions, 'project' | 'ports' | 'clock' | 'emit'>> {
  /** Sees each event as it is recorded (it must not abort signals synchronously: see `at`). */
  onEvent?: (recorded: Recorded) => void;
  /** The API budget: requests per second and bucket size. @default 5/s, burst 1 */
  budget?: { ratePerSecond: number; burst: number };
}

let runs = 0;

/** Runs `deployRun` on the world's simulator, every stack of the project unless `stacks` says otherwise. */
export async function simDeploy(world: SimWorld, options: RunOptions = {}): Promise<SchedRun> {
  const { clock, project } = world;
  const { onEvent, budget, ...rest } = options;
  const limiter = new RateLimiter({ ratePerSecond: budget?.ratePerSecond ?? 5, burst: budget?.burst ?? 1, clock });
  const log: Recorded[] = [];
  runs += 1;
  const startedAt = clock.now();
  const result = await deployRun({
    project,
    ports: resilientPorts(world.sim.ports, { limiter, clock }),
    clock,
    runId: `sched${runs}`,
    stacks: project.config.stacks.map((s) => s.id),
    approve: approveAll,
    emit: (event) => {
      const recorded = { at: clock.now(), index: log.length, event };
      log.push(recorded);
      onEvent?.(recorded);
    },
    ...rest,
  });
  return { result, log, limiter, startedAt };
}

/**
 * Runs `action` at virtual time `at` (absolute), from its own timer: like a signal handler, it
 * runs between the engine's steps, never inside an `emit`.
 */
export function atTime(clock: VirtualClock, at: number, action: () => void): void {
  void clock.sleep(Math.max(0, at - clock.now())).then(action);
}

// ---- reading the log ---------------------------------------------------------------------------

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

export function eventsOf<T extends EngineEvent['type']>(
  log: readonly Recorded[],
  type: T,
  stack?: string,
): (Recorded & { event: Of<T> })[] {
  return log.filter(
    (r): r is Recorded & { event: Of<T> } =>
      r.event.type === type && (stack === undefined || ('stack' in r.event && r.event.stack === stack)),
  );
}

/** The first event of `type` for `stack` matching `pred`; throws when there is none. */
export function first<T extends EngineEvent['type']>(
  log: readonly Recorded[],
  type: T,
  stack: string,
  pred: (e: Of<T>) => boolean = () => true,
): Recorded & { event: Of<T> } {
  const found = eventsOf(log, type, stack).find((r) => pred(r.event));
  if (!found) throw new Error(`no ${type} event for ${stack}`);
  return found;
}

export function maybeFirst<T extends EngineEvent['type']>(
  log: readonly Recorded[],
  type: T,
  stack: string,
  pred: (e: Of<T>) => boolean = () => true,
): (Recorded & { event: Of<T> }) | undefined {
  return eventsOf(log, type, stack).find((r) => pred(r.event));
}

/** The single stack:done of `stack`. */
export function doneOf(log: readonly Recorded[], stack: string): Recorded & { event: Of<'stack:done'> } {
  const done = eventsOf(log, 'stack:done', stack);
  if (done.length !== 1) throw new Error(`expected one stack:done for ${stack}, got ${done.length}`);
  return done[0] as Recorded & { event: Of<'stack:done'> };
}

export function executingOf(log: readonly Recorded[], stack: string): Recorded & { event: Of<'stack:executing'> } {
  return first(log, 'stack:executing', stack);
}

export function changeSetCreatingOf(
  log: readonly Recorded[],
  stack: string,
): Recorded & { event: Of<'stack:changeset'> } {
  return first(log, 'stack:changeset', stack, (e) => e.phase === 'creating');
}

export function outcomes(result: DeployRunResult): Record<string, StackOutcome> {
  return Object.fromEntries([...result.results].map(([id, r]) => [id, r.status]));
}

export function runDone(log: readonly Recorded[]): Of<'run:done'> {
  const done = eventsOf(log, 'run:done');
  if (done.length !== 1) throw new Error(`expected one run:done, got ${done.length}`);
  return (done[0] as Recorded & { event: Of<'run:done'> }).event;
}

/** One stretch of time a stack held a concurrency slot, by its bounding events. */
export interface Interval {
  stack: string;
  phase: 'prepare' | 'execute';
  from: Recorded;
  to: Recorded;
}

/**
 * When a stack holds one of the run's concurrency slots, read from its events:
 *   - preparing: from `stack:start` (emitted when its prepare gets a slot) to its change set being
 *     ready (`stack:changeset` ready; approval is immediate here), or to `stack:done` when the
 *     prepare itself ends the stack (unchanged, failed, blocked);
 *   - executing: from `stack:executing` to `stack:done`.
 * A stack whose change set is ready and that waits for its upstream stacks ("parked") holds none.
 */
export function activeIntervals(log: readonly Recorded[]): Interval[] {
  const open = new Map<string, { phase: Interval['phase']; from: Recorded }>();
  const intervals: Interval[] = [];
  const close = (stack: string, to: Recorded): void => {
    const current = open.get(stack);
    if (!current) return;
    intervals.push({ stack, phase: current.phase, from: current.from, to });
    open.delete(stack);
  };
  for (const r of log) {
    const e = r.event;
    if (e.type === 'stack:start') {
      if (open.has(e.stack)) throw new Error(`${e.stack} started twice`);
      open.set(e.stack, { phase: 'prepare', from: r });
    } else if (e.type === 'stack:changeset' && e.phase === 'ready') {
      close(e.stack, r);
    } else if (e.type === 'stack:executing') {
      if (open.has(e.stack)) throw new Error(`${e.stack} executing while still preparing`);
      open.set(e.stack, { phase: 'execute', from: r });
    } else if (e.type === 'stack:done') {
      close(e.stack, r);
    }
  }
  if (open.size > 0) throw new Error(`never ended: ${[...open.keys()].join(', ')}`);
  return intervals;
}

/** How many stacks were active at once, at most (sweeping the events in emission order). */
export function maxActive(log: readonly Recorded[]): number {
  const delta = new Map<number, number>();
  for (const i of activeIntervals(log)) {
    delta.set(i.from.index, (delta.get(i.from.index) ?? 0) + 1);
    delta.set(i.to.index, (delta.get(i.to.index) ?? 0) - 1);
  }
  let current = 0;
  let peak = 0;
  for (const index of [...delta.keys()].sort((a, b) => a - b)) {
    current += delta.get(index) ?? 0;
    peak = Math.max(peak, current);
  }
  return peak;
}

/** Stacks whose change set is ready but that are not executing (parked for upstream stacks, or queued), at emission index `index`. */
export function preparedAt(log: readonly Recorded[], index: number): string[] {
  const parked = new Set<string>();
  for (const r of log) {
    if (r.index > index) break;
    const e = r.event;
    if (e.type === 'stack:changeset' && e.phase === 'ready') parked.add(e.stack);
    if (e.type === 'stack:executing' || e.type === 'stack:done') parked.delete(e.stack);
  }
  return [...parked];
}

/** The stacks active at emission index `index`. */
export function activeAt(log: readonly Recorded[], index: number): string[] {
  return activeIntervals(log)
    .filter((i) => i.from.index <= index && index < i.to.index)
    .map((i) => i.stack);
}

/**
 * The endpoint in front of the simulator: counts every request that reaches it and lets `refuse`
 * answer one instead of the simulator (the call never reaches it then).
 */
export function endpoint(
  world: SimWorld,
  refuse: (method: string, args: unknown[]) => AwsError | undefined,
): { world: SimWorld; requests: () => number } {
  let requests = 0;
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return async (...args: unknown[]): Promise<unknown> => {
          requests += 1;
          const refusal = refuse(property, args);
          if (refusal) throw refusal;
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
  const ports: AwsPorts = {
    cloudFormation: wrap<CloudFormationPort>(world.sim.ports.cloudFormation),
    ssm: wrap<SsmPort>(world.sim.ports.ssm),
    s3: world.sim.ports.s3,
  };
  return { world: { ...world, sim: { ...world.sim, ports } }, requests: () => requests };
}
