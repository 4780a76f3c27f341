/**
 * The simulated account as plain data: everything here is JSON-serialisable, so `exportState`
 * is a copy and an operation in flight survives a save and a load.
 */
import type { Parameter, ResourceChange, StackOutput } from '../aws/ports.js';

export const STACK_TYPE = 'AWS::CloudFormation::Stack';

/** One stack event; `at` is virtual ms. Visible once the clock reaches `at` (§3.1). */
export interface SimEvent {
  at: number;
  eventId: string;
  logicalId: string;
  physicalId: string | undefined;
  resourceType: string;
  status: string;
  reason: string | undefined;
  token: string | undefined;
  /** The stack's own event (LogicalResourceId = stack name): it sets the stack's status. */
  root: boolean;
}

export interface DeployedResource {
  type: string;
  physicalId: string;
  /** Bumped by every replacement: a new generation gets a new physical id. */
  generation: number;
  deletionPolicy: string;
  updateReplacePolicy: string;
  dependsOn: string[];
}

export interface SsmWrite {
  name: string;
  value: string;
  type: string;
  retain: boolean;
}

/** What a successful create or update leaves deployed. */
export interface Deployment {
  templateBody: string;
  /** As DescribeStacks lists them: every template parameter, given or default (unmasked here). */
  parameters: Parameter[];
  /** The values the template saw: SSM-typed parameters read from SSM. */
  resolved: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  outputs: StackOutput[];
  resources: Record<string, DeployedResource>;
  /** Export names this stack imports (Fn::ImportValue), for "in use" checks (§4). */
  imports: string[];
  /** SSM parameters written by AWS::SSM::Parameter resources. */
  ssm: SsmWrite[];
}

/** A resource's part of a running operation, with its times, for cancellation and rollback. */
export interface WorkItem {
  logicalId: string;
  type: string;
  action: 'create' | 'update' | 'replace';
  start: number;
  initiated: number;
  end: number;
  physicalId: string;
  /** The physical id before the operation (update, replace). */
  oldPhysicalId: string | undefined;
  dependsOn: string[];
  deletionPolicy: string;
}

export type OperationKind = 'create' | 'update' | 'delete' | 'foreign-update';

export interface Operation {
  kind: OperationKind;
  token: string | undefined;
  changeSetId: string | undefined;
  startedAt: number;
  /** When the last event (the stack's terminal status) shows. */
  endsAt: number;
  outcome: 'success' | 'rollback' | 'deleted' | 'delete-refused' | 'delete-failed';
  /** A delete that ended DELETE_FAILED: the resources it did delete, dropped from the stack when it ends. */
  deletedResources?: string[];
  finalStatus: string;
  /** Applied when the operation ends in success. */
  next: Deployment | undefined;
  /** The forward work, kept so CancelUpdateStack can tell what is in flight. */
  work: WorkItem[];
}

export interface SimStack {
  stackId: string;
  stackName: string;
  createdAt: number;
  lastUpdatedAt: number | undefined;
  deletedAt: number | undefined;
  status: string;
  statusReason: string | undefined;
  terminationProtection: boolean;
  /** Bumped when an operation starts: change sets made before it are OBSOLETE (§2.2). */
  generation: number;
  deployed: Deployment | undefined;
  /** What a failed first create tried (ROLLBACK_COMPLETE keeps its template and parameters). */
  attempted: { templateBody: string; parameters: Parameter[]; tags: Record<string, string> } | undefined;
  /** Oldest first; `applied` of them are visible (their time has come). */
  events: SimEvent[];
  applied: number;
  op: Operation | undefined;
}

export interface SimChangeSet {
  id: string;
  name: string;
  stackId: string;
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  clientToken: string;
  createdAt: number;
  readyAt: number;
  /** The stack's generation when the change set was made. */
  generation: number;
  templateBody: string;
  /** As given to CreateChangeSet. */
  givenParameters: Parameter[];
  /** Given or default, as DescribeStacks will list them after execution. */
  parameters: Parameter[];
  resolved: Record<string, string>;
  tags: Record<string, string>;
  capabilities: string[];
  description: string | undefined;
  final: { status: 'CREATE_COMPLETE' | 'FAILED'; reason: string | undefined };
  changes: ResourceChange[];
  /** Set by ExecuteChangeSet (then by the operation's end). */
  execution: 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | undefined;
}

export interface SimExport {
  name: string;
  value: string;
  stackId: string;
  stackName: string;
}

export interface SimSsmParameter {
  name: string;
  type: string;
  value: string;
  version: number;
}

/** Per-stack timings and a scripted failure (scenario, keyed by stack name). */
export interface StackScript {
  changeSetSeconds?: number;
  createSeconds?: number;
  updateSeconds?: number;
  deleteSeconds?: number;
  fail?: { logicalId: string; reason: string };
  /** S3 buckets (logical ids) that hold objects: deleting one fails with S3's BucketNotEmpty (DELETE_FAILED). */
  nonEmptyBuckets?: string[];
  /** DeleteStack starts and never ends (DELETE_IN_PROGRESS for a year): a stuck delete. */
  deleteHangs?: boolean;
  /** An ExecuteStackRefactor involving this stack fails with this reason and rolls back: nothing moves. */
  refactorFail?: { reason: string };
  /** The stack has a stack policy: a stack refactor involving it is refused. */
  stackPolicy?: boolean;
}

/** One finished-or-running stack operation, for the benchmark's detection delay. */
export interface OperationRecord {
  stackName: string;
  stackId: string;
  kind: OperationKind;
  token: string | undefined;
  startedAt: number;
  /** When CloudFormation finished it (the stack's terminal event), virtual ms. */
  finishedAt: number;
  finalStatus: string;
}

export interface SimRefactorMove {
  from: { stackName: string; logicalId: string };
  to: { stackName: string; logicalId: string };
  type: string;
  physicalId: string;
  detection: 'AUTO' | 'MANUAL';
}

export interface SimRefactorStack {
  stackName: string;
  templateBody: string;
  /** Undefined for a stack the refactor creates. */
  stackId: string | undefined;
  /** The stack's generation when the refactor was made: an operation since makes it OBSOLETE. */
  generation: number;
  /** Made by the execution (EnableStackCreation). */
  created: boolean;
}

/** One stack refactor (src/sim/stack-refactor.ts). */
export interface SimRefactor {
  id: string;
  description: string | undefined;
  createdAt: number;
  readyAt: number;
  /** Set once validation ends (at `readyAt`): the reason it failed, or none. */
  failure: string | undefined;
  stacks: SimRefactorStack[];
  moves: SimRefactorMove[];
  execution:
    | { startedAt: number; endsAt: number; failure: string | undefined; rolledBackAt: number; applied: boolean }
    | undefined;
}
