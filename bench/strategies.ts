import type { FollowPolling } from '../src/engine/deploy/follow-operation.js';
import type { SchedulingPolicy } from '../src/engine/runner/schedule-plan.js';

export interface Strategy {
  name: 'sequential' | 'waves' | 'ready-queue' | 'stackpilot';
  /** What it models, for the report. */
  models: string;
  policy: (concurrency: number) => Partial<SchedulingPolicy>;
  polling: FollowPolling | undefined;
}

/**
 * The peers' scheduling policies and polling intervals, each run through the engine's real deploy
 * path against the simulator. Intervals are the peers' own (issue 4, "What peers do").
 */
export const STRATEGIES: readonly Strategy[] = [
  {
    name: 'sequential',
    models: 'deploy.sh / aws cloudformation deploy: one stack at a time, the CLI polling every 5-30 s',
    policy: () => ({ concurrency: 1, prioritize: false, earlyChangeSets: false, waves: false }),
    polling: { mode: 'fixed', eventsMs: 15_000, statusMs: 15_000 },
  },
  {
    name: 'waves',
    models: 'Sceptre / Serverless Compose: level by level, events every 4 s',
    policy: (concurrency) => ({ concurrency, prioritize: false, earlyChangeSets: false, waves: true }),
    polling: { mode: 'fixed', eventsMs: 4_000, statusMs: 4_000 },
  },
  {
    name: 'ready-queue',
    models:
      'AWS CDK --concurrency / Terragrunt: ready queue, no priority, no early change sets, events every 2 s, status every 5 s',
    policy: (concurrency) => ({ concurrency, prioritize: false, earlyChangeSets: false, waves: false }),
    polling: { mode: 'fixed', eventsMs: 2_000, statusMs: 5_000 },
  },
  {
    name: 'stackpilot',
    models: 'ready queue, longest remaining path first, early change sets, adaptive polling',
    policy: (concurrency) => ({ concurrency }),
    polling: undefined,
  },
];
