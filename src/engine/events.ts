/**
 * The contract between the engine and every renderer (DESIGN.md, "Engine events"). Plain text
 * only, never colour. `--output json` is this stream serialised as NDJSON, so field names are
 * part of the public interface.
 */

import type { ResourceChange, ResourceChangeDetail } from '../aws/ports.js';

/**
 * `unknown`: the change set was executed, then the stack's state could no longer be read (the
 * endpoint stopped answering, or kept refusing reads until --wait-timeout): it may have
 * succeeded, failed or still be running.
 */
export type StackOutcome =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'failed'
  | 'skipped'
  | 'blocked'
  | 'unknown'
  // destroy: the stack was deleted, or was not deployed (nothing to delete).
  | 'deleted'
  | 'absent';

/** What deploy can end a stack with (destroy's outcomes are not among them). */
export type DeployOutcome = Exclude<StackOutcome, 'deleted' | 'absent'>;

export interface ResourceChangeSummary {
  action: string;
  logicalId: string;
  resourceType: string;
  replacement: string | undefined;
}

/**
 * A resource its stack's delete left in place (`DELETE_SKIPPED`: `DeletionPolicy: Retain`, or
 * `destroy --retain`), found by its physical id.
 */
export interface RetainedResource {
  logicalId: string;
  resourceType: string;
  physicalId: string;
  /**
   * The template names it (TableName, BucketName, ...): a later deploy of the same stage will fail
   * on it with "already exists" until it is deleted or imported.
   */
  fixedName: boolean;
}

export interface RootCause {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

export type PlanStatus = 'changes' | 'unchanged' | 'pending' | 'blocked' | 'failed' | 'skipped';

/** Why a property changes, as CloudFormation's change set says, and the upstream output behind a parameter. */
export interface PlannedChangeDetail extends ResourceChangeDetail {
  /** A ParameterReference to a parameter the config feeds with `output()`: the upstream output behind it. */
  upstreamOutput?: { stack: string; output: string };
}

/** One resource change of a change set (ResourceChange, nested change set id included), with every detail. */
export interface PlannedChange extends Omit<ResourceChange, 'details'> {
  details: PlannedChangeDetail[];
}

/** A nested stack's change set, under the parent's `AWS::CloudFormation::Stack` change of the same logical id. */
export interface NestedPlan {
  logicalId: string;
  changeSetId: string;
  changes: PlannedChange[];
  /** Why its changes are not shown (it could not be described), one line. */
  reason?: string;
  nested?: NestedPlan[];
}

/** What a plan says about one stack (`stack:planned`). */
export interface StackPlan {
  status: PlanStatus;
  changeSetType: 'CREATE' | 'UPDATE' | undefined;
  /** Every change of the change set, with its details (all pages). */
  changes: PlannedChange[];
  /** Nested stacks' change sets (IncludeNestedStacks), recursively. */
  nested?: NestedPlan[];
  /** Upstream stacks with changes in this plan whose outputs or SSM values feed this one. */
  pendingUpstream: string[];
  /** For pending, blocked, failed or skipped stacks: why, one line. */
  reason: string | undefined;
  /**
   * SSM parameters the template has CloudFormation read at deploy time (parameter types and
   * `{{resolve:ssm:...}}`): the preview used their values of now.
   */
  ssmReads?: string[];
}

interface StackRef {
  /** The config id. */
  stack: string;
  /** The CloudFormation stack name. */
  stackName: string;
}

export type EngineEvent =
  | {
      type: 'run:start';
      command: string;
      project: string;
      stage: string;
      region: string | undefined;
      stacks: string[];
      order: string[];
      concurrency: number;
      dryRun: boolean;
    }
  | (StackRef & { type: 'stack:waiting'; on: string[] })
  | (StackRef & { type: 'stack:start' })
  | (StackRef & { type: 'stack:settling'; status: string; waitedSeconds: number })
  | (StackRef & { type: 'stack:replacing-failed'; status: string })
  | (StackRef & {
      type: 'stack:changeset';
      phase: 'creating' | 'ready' | 'unchanged';
      changeSetType?: 'CREATE' | 'UPDATE';
      changes?: ResourceChangeSummary[];
      reason?: string;
    })
  | (StackRef & { type: 'stack:blocked'; reason: string })
  | (StackRef & { type: 'stack:executing'; changeSetName: string; total: number })
  /** `destroy`: DeleteStack was sent; `total` resources are to be deleted, `retain` are kept (`--retain`). */
  | (StackRef & { type: 'stack:deleting'; total: number; retain: string[] })
  | (StackRef & {
      type: 'stack:resource';
      logicalId: string;
      resourceType: string;
      status: string;
      reason: string | undefined;
      timestamp: string;
    })
  | (StackRef & { type: 'stack:outputs'; outputs: Record<string, string> })
  | (StackRef & { type: 'stack:warning'; message: string })
  /**
   * Local code and nested templates packaged and in the artifacts bucket (issue 7): `bytes` are
   * those this run had in hand (zipped or templates; 0 for code already in the bucket, which is
   * found by the hash of its sources and not zipped again), what was uploaded, and what was
   * already there.
   */
  | (StackRef & {
      type: 'stack:packaged';
      artifacts: number;
      files: number;
      bytes: number;
      uploaded: number;
      uploadedBytes: number;
      reused: number;
      /** The template went to S3 too (over CloudFormation's 51,200-byte TemplateBody limit). */
      templateByUrl: boolean;
      durationMs: number;
    })
  | (StackRef & {
      type: 'stack:done';
      status: StackOutcome;
      /** Final CloudFormation status where one was reached. */
      stackStatus: string | undefined;
      durationMs: number;
      /** Why it failed, was skipped or blocked, or why its state is unknown (with the command to check it). */
      reason?: string;
      rootCause?: RootCause;
      outputs?: Record<string, string>;
      /** `destroy`: resources the delete left in place (DELETE_SKIPPED), by physical id. */
      retained?: RetainedResource[];
      /** AWS API requests this stack sent: every attempt, retries included. */
      apiCalls: number;
    })
  /**
   * A failed API attempt that will be sent again (throttling, a 5xx, a dropped connection), with
   * the stack whose call it was (none for the run's own reads). Every attempt counts in `apiCalls`.
   */
  | (Partial<StackRef> & {
      type: 'api:retry';
      /** The API operation, e.g. `DescribeStacks`. */
      operation: string;
      /** Attempts of this call so far, the failed one included. */
      attempt: number;
      delayMs: number;
      /** The failed attempt's error code, e.g. `Throttling`. */
      error: string;
    })
  | {
      type: 'run:outputs-file';
      file: string;
      written: boolean;
      missing: string[];
      /** The file could not be written (path, the OS's reason, what to do); the run then exits 1. */
      error?: string;
    }
  | { type: 'run:interrupt'; message: string }
  | { type: 'run:warning'; message: string }
  /**
   * No local durations file: each stack's last completed operation, read from CloudFormation's
   * events for the run's priorities (`read`); `none` not deployed or nothing completed; `failed`
   * could not be read (with why) and `unread` not within the deadline: those keep their priors.
   */
  | {
      type: 'run:durations';
      source: 'cloudformation-events';
      read: string[];
      none: string[];
      failed: { stack: string; reason: string }[];
      unread: string[];
      apiCalls: number;
      durationMs: number;
    }
  /** `summary`: stacks per outcome; deploy lists its seven outcomes, destroy its own (deleted, absent, ...). */
  | {
      type: 'run:done';
      exitCode: number;
      durationMs: number;
      summary: Partial<Record<StackOutcome, number>>;
      apiCalls: number;
    }
  /**
   * `destroy`: what will go and what will stay, before anything is deleted (and all of `--dry-run`),
   * in destroy order (dependents first).
   */
  | {
      type: 'destroy:planned';
      stacks: {
        stack: string;
        stackName: string;
        action: 'delete' | 'not deployed' | 'refused' | 'stays';
        /** Resources the delete removes. */
        deletes: number;
        /** Resources DeletionPolicy keeps (Retain, RetainExceptOnCreate) or snapshots (Snapshot). */
        kept: { logicalId: string; resourceType: string; policy: string; fixedName?: string }[];
        /** Why it is refused or stays, and what to do. */
        reason?: string;
      }[];
      warnings: string[];
    }
  /** `plan`: one per selected stack, in deploy order, once every change set has been made and deleted. */
  | (StackRef & StackPlan & { type: 'stack:planned' })
  /** `plan`: the end; detailedExitCode 0 nothing to change, 2 changes, 1 a stack could not be planned. */
  | { type: 'plan:done'; detailedExitCode: 0 | 1 | 2; durationMs: number; summary: Record<PlanStatus, number> };

export type EngineEventType = EngineEvent['type'];

/** What renderers implement; the engine calls it synchronously and never waits on it. */
export type EventSink = (event: EngineEvent) => void;
