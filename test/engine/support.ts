/**
 * Engine test support: a Project built from inline templates (written to a temp dir, because
 * deployStack reads `templatePath`), the fakes, and a `deploy` that runs `deployRun` and keeps
 * every emitted event.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig, ResolvedOutputsFile, ResolvedStack } from '../../src/config/resolve-config.js';
import type { ParameterValue } from '../../src/config/types.js';
import type { ApprovalRequest, Approver } from '../../src/engine/guards/approvals.js';
import { deployRun } from '../../src/engine/deploy/deploy-run.js';
import type { DeployRunOptions, DeployRunResult } from '../../src/engine/deploy/deploy-run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import type { Project } from '../../src/graph/load-project.js';
import { computeOrderings } from '../../src/graph/orderings.js';
import { analyzeTemplate } from '../../src/template/analyze-template.js';
import type { TemplateInfo } from '../../src/template/analyze-template.js';
import { parseTemplate } from '../../src/template/parse-template.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeCloudFormation } from '../helpers/fake-cloudformation.js';
import type { FakeOptions } from '../helpers/fake-cloudformation.js';
import { testdir } from '../helpers/testdir.js';

export interface StackDef {
  template: string;
  dependsOn?: string[];
  parameters?: Record<string, ParameterValue>;
  tags?: Record<string, string>;
  outputsToSsm?: Record<string, string>;
  terminationProtection?: boolean;
}

export interface ProjectOptions {
  /** Reuse a directory (a second run with edited templates); a fresh one by default. */
  dir?: string;
  outputs?: { file: string; format: 'json' | 'dotenv'; values: ResolvedOutputsFile['values'] };
}

/** Stack names: `demo-dev-<id>`. */
export function stackNameOf(id: string): string {
  return `demo-dev-${id}`;
}

/** A Project as loadProject would give it, from inline stacks; templates are written to `dir/templates`. */
export async function makeProject(
  stacks: Record<string, StackDef>,
  options: ProjectOptions = {},
): Promise<{ project: Project; dir: string }> {
  const dir = options.dir ?? (await testdir({ 'templates/.keep': '' }));
  const resolved: ResolvedStack[] = [];
  const templates = new Map<string, TemplateInfo>();
  for (const [id, def] of Object.entries(stacks)) {
    const templatePath = join(dir, 'templates', `${id}.yaml`);
    await writeFile(templatePath, def.template);
    const stack: ResolvedStack = {
      id,
      stackName: stackNameOf(id),
      templatePath,
      templateDisplay: `templates/${id}.yaml`,
      dependsOn: def.dependsOn ?? [],
      parameters: def.parameters ?? {},
      tags: def.tags ?? {},
      capabilities: [],
      stateful: false,
      terminationProtection: def.terminationProtection ?? false,
      timeoutMinutes: undefined,
      outputsToSsm: def.outputsToSsm ?? {},
      location: { file: 'stacks.config.ts' },
    };
    resolved.push(stack);
    const literals = new Map<string, string>();
    for (const [name, value] of Object.entries(stack.parameters))
      if (typeof value === 'string') literals.set(name, value);
    const info = analyzeTemplate(parseTemplate(def.template, stack.templateDisplay), {
      stackName: stack.stackName,
      region: 'us-east-1',
      parameterValues: literals,
    });
    if (info.errors.length > 0) throw new Error(`template of ${id}: ${info.errors.map((p) => p.message).join('; ')}`);
    templates.set(id, info);
  }
  const config: ResolvedConfig = {
    configFile: join(dir, 'stacks.config.ts'),
    configDir: dir,
    project: 'demo',
    stage: 'dev',
    region: 'us-east-1',
    stacks: resolved,
    outputs: options.outputs && { ...options.outputs, file: join(dir, options.outputs.file) },
    artifacts: undefined,
  };
  const built = buildGraph(config, templates, () => ({ file: 'stacks.config.ts' }));
  if (built.problems.length > 0) throw new Error(`graph: ${built.problems.map((p) => p.message).join('; ')}`);
  return {
    project: { config, templates, graph: built.graph, orderings: computeOrderings(built.graph), warnings: [] },
    dir,
  };
}

export interface World {
  clock: FakeClock;
  fake: FakeCloudFormation;
}

export function world(options: Omit<FakeOptions, 'clock'> = {}): World {
  const clock = new FakeClock();
  return { clock, fake: new FakeCloudFormation({ clock, ...options }) };
}

export const approveAll: Approver = () => Promise.resolve({ approved: true });

let runs = 0;

export interface DeployOutcome {
  result: DeployRunResult;
  events: EngineEvent[];
  approvals: ApprovalRequest[];
}

/**
 * Runs `deployRun` on the fakes (every stack of the project unless `stacks` says otherwise) and
 * returns the result with every event. `onEvent` sees each event as it is emitted (to abort at a
 * given moment).
 */
export async function deploy(
  project: Project,
  w: World,
  options: Partial<Omit<DeployRunOptions, 'project' | 'clock' | 'emit'>> & {
    onEvent?: (event: EngineEvent) => void;
  } = {},
): Promise<DeployOutcome> {
  const events: EngineEvent[] = [];
  const approvals: ApprovalRequest[] = [];
  const { onEvent, approve, ...rest } = options;
  runs += 1;
  const result = await deployRun({
    project,
    ports: w.fake.ports,
    clock: w.clock,
    runId: `run${runs}`,
    stacks: project.config.stacks.map((s) => s.id),
    emit: (event) => {
      events.push(event);
      onEvent?.(event);
    },
    approve: (request) => {
      approvals.push(request);
      return (approve ?? approveAll)(request);
    },
    ...rest,
  });
  return { result, events, approvals };
}

/** The events of one type, narrowed. */
export function ofType<T extends EngineEvent['type']>(
  events: readonly EngineEvent[],
  type: T,
): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}

/** The single `stack:done` of `stack`. */
export function doneOf(events: readonly EngineEvent[], stack: string): Extract<EngineEvent, { type: 'stack:done' }> {
  const done = ofType(events, 'stack:done').filter((e) => e.stack === stack);
  if (done.length !== 1) throw new Error(`expected one stack:done for ${stack}, got ${done.length}`);
  return done[0] as Extract<EngineEvent, { type: 'stack:done' }>;
}

/** Methods called on the fake, in order (for "no AWS call" and "no change set" checks). */
export function methods(w: World): string[] {
  return w.fake.calls.map((c) => c.method);
}

/** A template with the given resources (logical id → type), and optional extra sections. */
export function template(resources: Record<string, string>, extra = ''): string {
  const body = Object.entries(resources)
    .map(([id, type]) => `  ${id}:\n    Type: ${type}\n`)
    .join('');
  return `${extra}${extra.endsWith('\n') || extra === '' ? '' : '\n'}Resources:\n${body}`;
}
