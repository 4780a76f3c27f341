/**
 * The engine's front door for the CLI: the operations it runs over the graph, and what they share.
 * The shape (DESIGN.md, "One graph runner, many operations"): runner/ schedules any per-stack
 * operation over the graph in a direction; deploy/ and plan/ are operations; guards/ are the
 * checks they share. main.ts imports its few constants directly, so `--help` loads no engine.
 */
export { graphRunner } from './runner/run-graph.js';
export type {
  GraphRun,
  GraphRunner,
  GraphRunnerOptions,
  GraphRunResult,
  StackOperation,
  StackResult,
} from './runner/run-graph.js';
export { DEFAULT_CONCURRENCY } from './runner/schedule-plan.js';
export type { EdgeDirection, SchedulingPolicy, StackDurations } from './runner/schedule-plan.js';
export { deployRun } from './deploy/deploy-run.js';
export type { DeployRunOptions, DeployRunResult } from './deploy/deploy-run.js';
export { planRun } from './plan/plan-run.js';
export type { PlanRunOptions, PlanRunResult, PlannedStack } from './plan/plan-run.js';
export { APPROVAL_LEVELS } from './guards/approvals.js';
export type { ApprovalLevel, Approver } from './guards/approvals.js';
export { checkStatefulChanges } from './guards/stateful-guard.js';
export { packageStacks, previewPackagedTemplates } from './package-stacks.js';
export { asResourceChanges, predictChanges } from './predict-changes.js';
export type { StackPredictionResult } from './predict-changes.js';
export type { EngineEvent } from './events.js';
