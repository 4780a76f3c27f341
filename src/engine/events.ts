/**
 * The contract between the engine and every renderer (DESIGN.md, "Engine events"). Plain text
 * only, never colour. `--output json` is this stream serialised as NDJSON, so field names are
 * part of the public interface.
 */

export type StackOutcome = 'created' | 'updated' | 'unchanged' | 'failed' | 'skipped' | 'blocked';

export interface ResourceChangeSummary {
  action: string;
  logicalId: string;
  resourceType: string;
  replacement: string | undefined;
}

export interface RootCause {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

interface StackRef {
  /** The config id. */
  stack: string;
  /** The CloudFormation stack name. */
  stackName: string;
}

export type EngineEvent =
  | { type: 'run:start'; command: string; project: string; stage: string; region: string | undefined; stacks: string[]; order: string[]; concurrency: number; dryRun: boolean }
  | (StackRef & { type: 'stack:waiting'; on: string[] })
  | (StackRef & { type: 'stack:start' })
  | (StackRef & { type: 'stack:settling'; status: string; waitedSeconds: number })
  | (StackRef & { type: 'stack:replacing-failed'; status: string })
  | (StackRef & { type: 'stack:changeset'; phase: 'creating' | 'ready' | 'unchanged'; changeSetType?: 'CREATE' | 'UPDATE'; changes?: ResourceChangeSummary[]; reason?: string })
  | (StackRef & { type: 'stack:blocked'; reason: string })
  | (StackRef & { type: 'stack:executing'; changeSetName: string; total: number })
  | (StackRef & { type: 'stack:resource'; logicalId: string; resourceType: string; status: string; reason: string | undefined; timestamp: string })
  | (StackRef & { type: 'stack:outputs'; outputs: Record<string, string> })
  | (StackRef & { type: 'stack:warning'; message: string })
  | (StackRef & {
    type: 'stack:done';
    status: StackOutcome;
    /** Final CloudFormation status where one was reached. */
    stackStatus: string | undefined;
    durationMs: number;
    /** Why it failed, was skipped or blocked; one line. */
    reason?: string;
    rootCause?: RootCause;
    outputs?: Record<string, string>;
    /** AWS API calls this stack made. */
    apiCalls: number;
  })
  | { type: 'run:outputs-file'; file: string; written: boolean; missing: string[] }
  | { type: 'run:interrupt'; message: string }
  | { type: 'run:warning'; message: string }
  | { type: 'run:done'; exitCode: number; durationMs: number; summary: Record<StackOutcome, number>; apiCalls: number };

export type EngineEventType = EngineEvent['type'];

/** What renderers implement; the engine calls it synchronously and never waits on it. */
export type EventSink = (event: EngineEvent) => void;
