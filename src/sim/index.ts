/**
 * An in-process CloudFormation + SSM simulator with timings and fault injection, in virtual time,
 * behind the same ports as src/aws. Behaviour spec: SIMULATOR.md beside this file.
 */
export { createSimulator } from './simulator.js';
export type { SimInspector, Simulator, SimulatorOptions } from './simulator.js';
export { createScaledClock, createVirtualClock, DEFAULT_VIRTUAL_START } from './clocks.js';
export type { VirtualClock, VirtualClockOptions } from './clocks.js';
export {
  clockForScenario,
  EXISTING_STATUSES,
  loadScenario,
  parseScenario,
  resolveScenario,
  scenarioSchema,
} from './scenario.js';
export type { ExistingStack, ExistingStatus, ScenarioFile, ScenarioStackInfo, SimScenario } from './scenario.js';
export { parseState, STATE_VERSION } from './state.js';
export type { SimState } from './state.js';
export { peakPerWindow } from './stats.js';
export type { SimCall, SimChangeSetRecord, SimStats } from './stats.js';
export type { OperationRecord, SimExport, StackScript } from './model.js';
export { NO_CHANGES_REASON, NO_UPDATES_REASON, DEFAULT_CHANGE_SET_SECONDS } from './change-set-ops.js';
export { defaultCreateSeconds, defaultDeleteSeconds, defaultUpdateSeconds } from './stack-ops.js';
export { ACCOUNT_ID, DEFAULT_REGION } from './account.js';
export { MAX_TEMPLATE_URL_BYTES, parseS3Url } from './s3.js';
export type { S3Location, SimS3Call, SimS3Object } from './s3.js';

/** The virtual time a saved state was taken at: start the next run's clock there so time goes on. */
export function stateTime(state: { time: number }): number {
  return state.time;
}
