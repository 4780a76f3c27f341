import type { Approver } from '../engine/guards/approvals.js';
import type { EngineEvent } from '../engine/events.js';

/**
 * What the CLI hands the engine's events to. Renderers only consume events (and answer
 * approvals, for the interactive one); they never call AWS.
 */
export interface Renderer {
  /** Every engine event, synchronously, in order; must not block. */
  emit: (event: EngineEvent) => void;
  /** The approver for this renderer when it can ask a person (the Ink dashboard); undefined otherwise. */
  approver?: Approver;
  /** After `run:done`: flush, print what stays in the scrollback, release the terminal. */
  close: () => Promise<void>;
}

/** The run's context a renderer shows in its header. */
export interface RunHeader {
  project: string;
  stage: string;
  region: string | undefined;
  /** The AWS account id (STS GetCallerIdentity), shown beside the region; none simulated. */
  account?: string;
  /** The stage is not one the config names (src/cli/stage-note.ts): the header marks it. */
  stageNotInConfig?: boolean;
  command: string;
  concurrency: number;
  /** Whether this is a simulated run (`--simulate`). */
  simulated: boolean;
  /** One line under the header: the Node running stackpilot is past its end of life (src/cli/node-support.ts). */
  nodeNotice?: string;
}
