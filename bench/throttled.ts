/**
 * `npx jiti bench/throttled.ts [--fixed-rate N | --api-rate N] [--json]`: the run's API budget under throttling.
 * Each scenario is deployed through the engine's real deploy path against the simulator, in
 * virtual time, without throttling and with 30 % of calls answered `Throttling`, and the makespan
 * and the API calls (throttled ones included) are printed. The budget is the CLI's own (adaptive,
 * no --api-rate, or `--api-rate N` as its ceiling), or with `--fixed-rate N` the fixed
 * first-come-first-served N-per-second token bucket of earlier versions.
 */
import { fileURLToPath } from 'node:url';
import * as aws from '../src/aws/index.js';
import type { ApiLimiter } from '../src/aws/index.js';
import { deployRun } from '../src/engine/deploy/deploy-run.js';
import { loadProject } from '../src/graph/load-project.js';
import type { Project } from '../src/graph/load-project.js';
import { createSimulator, createVirtualClock } from '../src/sim/index.js';
import type { Clock } from '../src/clock.js';
import type { StackScript } from '../src/sim/index.js';
import { syntheticProject } from './synthetic-project.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const THROTTLE_RATES = [0, 0.3];

interface Case {
  name: string;
  project: Project;
  scripts: Record<string, StackScript>;
}

/** The issue's 8-stack DAG (s1; s2,s3←s1; s4←s2; s5←s2,s3; s6←s4; s7←s5; s8←s6,s7), 3 resources each, at an emulator's pace. */
function fastDag(): Case {
  const deps: Record<string, string[]> = {
    s1: [],
    s2: ['s1'],
    s3: ['s1'],
    s4: ['s2'],
    s5: ['s2', 's3'],
    s6: ['s4'],
    s7: ['s5'],
    s8: ['s6', 's7'],
  };
  const project = syntheticProject(
    'dag8',
    Object.entries(deps).map(([id, dependsOn]) => ({ id, dependsOn, resources: 3 })),
  );
  const scripts = Object.fromEntries(
    Object.keys(deps).map((id) => [`dag8-${id}`, { changeSetSeconds: 0.5, createSeconds: 2 }]),
  );
  return { name: 'dag8-fast', project, scripts };
}

interface Budget {
  fixedRate?: number | undefined;
  ceiling?: number | undefined;
}

function limiterFor(clock: Clock, budget: Budget): ApiLimiter {
  if (budget.fixedRate !== undefined)
    return new aws.RateLimiter({
      ratePerSecond: budget.fixedRate,
      burst: Math.max(1, Math.ceil(budget.fixedRate)),
      clock,
    });
  return new aws.AdaptiveRateLimiter({ clock, ...(budget.ceiling === undefined ? {} : { ceiling: budget.ceiling }) });
}

async function measure(c: Case, throttle: number, budget: Budget) {
  const clock = createVirtualClock();
  const simulator = createSimulator({
    clock,
    scenario: { stacks: c.scripts, ...(throttle > 0 ? { throttle: { rate: throttle } } : {}) },
    seed: 7,
  });
  const ports = aws.resilientPorts(simulator.ports, { limiter: limiterFor(clock, budget), clock });
  let makespanMs = 0;
  let failed = 0;
  await deployRun({
    project: c.project,
    stacks: c.project.orderings.order,
    ports,
    clock,
    emit: (event) => {
      if (event.type === 'run:done') makespanMs = event.durationMs;
      if (event.type === 'stack:done' && !['created', 'updated', 'unchanged'].includes(event.status)) failed += 1;
    },
    approve: () => Promise.resolve({ approved: true }),
    runId: 'bench',
  });
  const stats = simulator.stats();
  return {
    makespanSeconds: Math.round(makespanMs / 100) / 10,
    apiCalls: stats.totalCalls,
    throttledCalls: stats.throttledCalls,
    failed,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string): number | undefined =>
    args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined;
  const budget: Budget = { fixedRate: flag('--fixed-rate'), ceiling: flag('--api-rate') };
  const example = await loadProject({ cwd: REPO_ROOT, command: 'bench' });
  const cases: Case[] = [{ name: 'example', project: example, scripts: {} }, fastDag()];
  const rows = [];
  for (const c of cases)
    for (const throttle of THROTTLE_RATES)
      rows.push({ scenario: c.name, throttle, ...(await measure(c, throttle, budget)) });
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const described =
    budget.fixedRate !== undefined
      ? `fixed ${budget.fixedRate}/s, first come first served`
      : `adaptive${budget.ceiling === undefined ? '' : `, --api-rate ${budget.ceiling}`}, by priority`;
  process.stdout.write(`budget: ${described}\n`);
  process.stdout.write('scenario    throttled  makespan  API calls  of them throttled  failed\n');
  for (const r of rows)
    process.stdout.write(
      `${r.scenario.padEnd(10)}  ${`${r.throttle * 100} %`.padStart(9)}  ${`${r.makespanSeconds}s`.padStart(8)}  ${String(r.apiCalls).padStart(9)}  ${String(r.throttledCalls).padStart(17)}  ${String(r.failed).padStart(6)}\n`,
    );
}

await main();
