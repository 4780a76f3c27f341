/** Simulator test support: a virtual clock, a simulator, and short ways to drive it. */
import type { CloudFormationPort, Parameter, StackDescription, StackEvent } from '../../src/aws/ports.js';
import { createSimulator, createVirtualClock } from '../../src/sim/index.js';
import type { SimScenario, Simulator, SimulatorOptions, VirtualClock } from '../../src/sim/index.js';

export const START = Date.UTC(2025, 0, 1);

export interface Sim {
  clock: VirtualClock;
  sim: Simulator;
  cf: CloudFormationPort;
  /** Virtual ms since START. */
  elapsed(): number;
  /** Lets `ms` of virtual time pass (the test is the only sleeper, so time jumps there). */
  wait(ms: number): Promise<void>;
  /** Moves to `ms` after START. */
  waitUntil(ms: number): Promise<void>;
}

export function setup(
  options: Partial<Omit<SimulatorOptions, 'clock'>> & { scenario?: SimScenario; start?: number } = {},
): Sim {
  const { start, ...rest } = options;
  const clock = createVirtualClock(start ?? START);
  const sim = createSimulator({ clock, ...rest });
  return {
    clock,
    sim,
    cf: sim.ports.cloudFormation,
    elapsed: () => clock.now() - START,
    wait: (ms) => clock.sleep(ms),
    waitUntil: (ms) => clock.sleep(Math.max(0, START + ms - clock.now())),
  };
}

/** A template with the given resources: logical id → type, optionally followed by more lines of its definition. */
export function template(resources: Record<string, string>, extra = ''): string {
  const body = Object.entries(resources)
    .map(([id, def]) => {
      const [type, ...rest] = def.split('\n');
      return `  ${id}:\n    Type: ${type}\n${rest
        .filter((l) => l !== '')
        .map((l) => `${l}\n`)
        .join('')}`;
    })
    .join('');
  return `${extra}${extra === '' || extra.endsWith('\n') ? '' : '\n'}Resources:\n${body}`;
}

export interface Deployed {
  stackId: string;
  changeSetId: string;
  token: string;
}

let counter = 0;

/** Makes a change set, waits until it is ready, and executes it (without waiting for the stack). */
export async function execute(
  s: Sim,
  stackName: string,
  body: string,
  options: { parameters?: Parameter[]; tags?: Record<string, string>; type?: 'CREATE' | 'UPDATE' } = {},
): Promise<Deployed> {
  counter += 1;
  const existing = await s.cf.describeStack(stackName);
  const type = options.type ?? (existing && existing.status !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE');
  const ref = await s.cf.createChangeSet({
    stackName,
    changeSetName: `cs-${counter}`,
    changeSetType: type,
    templateBody: body,
    parameters: options.parameters ?? [],
    tags: options.tags ?? {},
    capabilities: [],
    clientToken: `client-${counter}`,
  });
  const described = await readyChangeSet(s, ref.changeSetId);
  if (described.status !== 'CREATE_COMPLETE')
    throw new Error(`change set ${described.status}: ${described.statusReason ?? ''}`);
  const token = `token-${counter}`;
  await s.cf.executeChangeSet(ref.changeSetId, token);
  return { ...ref, token };
}

/** Polls the change set every second until it leaves CREATE_PENDING / CREATE_IN_PROGRESS. */
export async function readyChangeSet(s: Sim, changeSetId: string): ReturnType<CloudFormationPort['describeChangeSet']> {
  for (;;) {
    const described = await s.cf.describeChangeSet(changeSetId);
    if (described.status !== 'CREATE_PENDING' && described.status !== 'CREATE_IN_PROGRESS') return described;
    await s.wait(1000);
  }
}

/** Polls DescribeStacks every second until the stack is not *_IN_PROGRESS. */
export async function settled(s: Sim, stackId: string): Promise<StackDescription> {
  for (;;) {
    const stack = await s.cf.describeStack(stackId);
    if (!stack) throw new Error(`no stack ${stackId}`);
    if (!stack.status.endsWith('_IN_PROGRESS')) return stack;
    await s.wait(1000);
  }
}

/** Deploys and waits for the end. */
export async function deploy(
  s: Sim,
  stackName: string,
  body: string,
  options: Parameters<typeof execute>[3] = {},
): Promise<StackDescription & Deployed> {
  const run = await execute(s, stackName, body, options);
  return { ...(await settled(s, run.stackId)), ...run };
}

/** Every event of a stack, oldest first, through the port (all pages). */
export async function allEvents(cf: CloudFormationPort, stackId: string): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  let token: string | undefined;
  do {
    const page = await cf.describeStackEvents(stackId, token);
    events.push(...page.events);
    token = page.nextToken;
  } while (token !== undefined);
  return events.reverse();
}

/** `Logical STATUS [reason]` lines, for whole-sequence comparisons. */
export function lines(events: readonly StackEvent[]): string[] {
  return events.map((e) => `${e.logicalId} ${e.status}${e.reason ? ` ${e.reason}` : ''}`);
}
