/**
 * The narrow ports through which the engine talks to AWS: only the calls it uses, in plain
 * types of our own, so that the engine never sees the SDK and the simulator can implement the
 * same interfaces. `sdk-*.ts` implement them with the AWS SDK v3.
 */

export interface Parameter {
  key: string;
  value: string;
}

export interface StackOutput {
  key: string;
  value: string;
  exportName: string | undefined;
  description: string | undefined;
}

export interface StackDescription {
  stackId: string;
  stackName: string;
  /** One of CloudFormation's StackStatus values, e.g. `UPDATE_COMPLETE`. */
  status: string;
  statusReason: string | undefined;
  parameters: Parameter[];
  outputs: StackOutput[];
  tags: Record<string, string>;
  capabilities: string[];
  terminationProtection: boolean;
  creationTime: Date | undefined;
  lastUpdatedTime: Date | undefined;
  /** The stack that owns this nested stack (DescribeStacks ParentId); absent for a root stack. */
  parentId?: string;
}

export interface StackEvent {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId: string | undefined;
  resourceType: string;
  /** A ResourceStatus (for the stack itself: a StackStatus). */
  status: string;
  reason: string | undefined;
  timestamp: Date;
  /** The token of the operation that caused the event (ExecuteChangeSet's ClientRequestToken). */
  clientRequestToken: string | undefined;
}

export type ChangeAction = 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic';

export interface ResourceChangeDetail {
  /** e.g. `Properties`, `Metadata`, `Tags`. */
  attribute: string | undefined;
  /** Property name for attribute `Properties`. */
  name: string | undefined;
  requiresRecreation: string | undefined;
  /** `DirectModification`, `ResourceReference`, `ParameterReference`, `ResourceAttribute`, `Automatic`. */
  changeSource: string | undefined;
  causingEntity: string | undefined;
  evaluation: string | undefined;
}

export interface ResourceChange {
  action: ChangeAction;
  logicalId: string;
  physicalId: string | undefined;
  resourceType: string;
  /** `True` | `False` | `Conditional`, for Modify. */
  replacement: string | undefined;
  scope: string[];
  details: ResourceChangeDetail[];
  /**
   * For an `AWS::CloudFormation::Stack` change of a change set made with IncludeNestedStacks: the
   * nested stack's own change set (ResourceChange.ChangeSetId), to be described in turn.
   */
  nestedChangeSetId?: string;
}

export interface ChangeSetDescription {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  /** CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | DELETE_* | FAILED. */
  status: string;
  statusReason: string | undefined;
  /** UNAVAILABLE | AVAILABLE | EXECUTE_IN_PROGRESS | EXECUTE_COMPLETE | EXECUTE_FAILED | OBSOLETE. */
  executionStatus: string | undefined;
  /** Every change, all pages. */
  changes: ResourceChange[];
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  changeSetType: 'CREATE' | 'UPDATE';
  /** The template itself, or (`templateUrl`) where CloudFormation reads it: templates over 51,200 bytes. */
  templateBody?: string;
  /** `https://<bucket>.s3.<region>.amazonaws.com/<key>`: exactly one of templateBody and templateUrl. */
  templateUrl?: string;
  parameters: Parameter[];
  tags: Record<string, string>;
  capabilities: string[];
  /** Idempotency of the create call across retries. */
  clientToken: string;
  description?: string;
}

export interface ChangeSetRef {
  changeSetId: string;
  stackId: string;
}

/** One entry of ListChangeSets. */
export interface ChangeSetSummary {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  status: string | undefined;
  executionStatus: string | undefined;
}

/** One resource of a stack (ListStackResources). */
export interface StackResourceSummary {
  logicalId: string;
  physicalId: string | undefined;
  resourceType: string;
  status: string;
}

/** Where a drift detection stands (DescribeStackDriftDetectionStatus). */
export interface DriftDetectionStatus {
  /** DETECTION_IN_PROGRESS | DETECTION_COMPLETE | DETECTION_FAILED. */
  detectionStatus: string;
  /** DRIFTED | IN_SYNC | UNKNOWN | NOT_CHECKED; set once the detection is complete. */
  stackDriftStatus: string | undefined;
  detectionStatusReason: string | undefined;
  driftedResourceCount: number | undefined;
}

/** One property of a drifted resource: what the template says, and what the resource has. */
export interface PropertyDifference {
  /** A JSON pointer into the resource's properties, e.g. `/BillingMode`. */
  propertyPath: string;
  expectedValue: string | undefined;
  actualValue: string | undefined;
  /** ADD | REMOVE | NOT_EQUAL. */
  differenceType: string;
}

/** A resource whose actual configuration differs from its template (DescribeStackResourceDrifts). */
export interface ResourceDrift {
  logicalId: string;
  physicalId: string | undefined;
  resourceType: string;
  /** MODIFIED | DELETED (IN_SYNC and NOT_CHECKED are not asked for). */
  driftStatus: string;
  differences: PropertyDifference[];
}

/** One entry of ListStacks: deleted stacks and nested stacks (with a parent) included. */
export interface StackSummary {
  stackId: string;
  stackName: string;
  status: string;
  /** The stack that owns this nested stack; undefined for a root stack. */
  parentId: string | undefined;
}

/** A resource in a stack, by stack name and logical id (a refactor's ResourceLocation). */
export interface StackRefactorLocation {
  stackName: string;
  logicalId: string;
}

/** Where a resource is and where it goes (ResourceMapping): needed for a renamed logical id. */
export interface StackRefactorMapping {
  source: StackRefactorLocation;
  destination: StackRefactorLocation;
}

/** CreateStackRefactor: every stack of the refactor (2 to 5) with the template it is to have after it. */
export interface CreateStackRefactorInput {
  description?: string;
  /** Whether a destination stack that does not exist yet may be created by the refactor. */
  enableStackCreation: boolean;
  stacks: { stackName: string; templateBody: string }[];
  resourceMappings: StackRefactorMapping[];
}

/** DescribeStackRefactor, and one entry of ListStackRefactors (which has no stack ids). */
export interface StackRefactorDescription {
  stackRefactorId: string;
  description: string | undefined;
  /** The stacks involved (DescribeStackRefactor only; empty from ListStackRefactors). */
  stackIds: string[];
  /** CREATE_IN_PROGRESS | CREATE_COMPLETE | CREATE_FAILED | DELETE_IN_PROGRESS | DELETE_COMPLETE | DELETE_FAILED. */
  status: string;
  statusReason: string | undefined;
  /**
   * UNAVAILABLE | AVAILABLE | OBSOLETE | EXECUTE_IN_PROGRESS | EXECUTE_COMPLETE | EXECUTE_FAILED |
   * ROLLBACK_IN_PROGRESS | ROLLBACK_COMPLETE | ROLLBACK_FAILED.
   */
  executionStatus: string | undefined;
  executionStatusReason: string | undefined;
}

/** One action of a refactor (ListStackRefactorActions): a stack created or a resource moved. */
export interface StackRefactorAction {
  /** MOVE | CREATE. */
  action: string;
  /** RESOURCE | STACK. */
  entity: string;
  physicalId: string | undefined;
  description: string | undefined;
  /** AUTO | MANUAL: whether CloudFormation found the move itself or a ResourceMapping said so. */
  detection: string | undefined;
  detectionReason: string | undefined;
  /** For a resource: where it is and where it goes; for a created stack: undefined. */
  mapping: StackRefactorMapping | undefined;
}

export interface CloudFormationPort {
  /** `undefined` when the stack does not exist (the service answers a ValidationError). */
  describeStack(stackName: string): Promise<StackDescription | undefined>;
  /** The deployed template as it was submitted (TemplateStage Original). */
  getTemplate(stackName: string): Promise<string>;
  createChangeSet(input: CreateChangeSetInput): Promise<ChangeSetRef>;
  /** Status and every change (all pages). */
  describeChangeSet(changeSetId: string): Promise<ChangeSetDescription>;
  deleteChangeSet(changeSetId: string): Promise<void>;
  executeChangeSet(changeSetId: string, clientRequestToken: string): Promise<void>;
  /** One page of events, newest first. */
  describeStackEvents(
    stackId: string,
    nextToken?: string,
  ): Promise<{ events: StackEvent[]; nextToken: string | undefined }>;
  /**
   * `retainResources`: logical ids to leave in place (DELETE_SKIPPED); CloudFormation accepts them
   * only for a stack in DELETE_FAILED (§6).
   */
  deleteStack(stackId: string, clientRequestToken?: string, retainResources?: readonly string[]): Promise<void>;
  cancelUpdateStack(stackId: string, clientRequestToken?: string): Promise<void>;
  updateTerminationProtection(stackId: string, enabled: boolean): Promise<void>;
  /** Names of the stacks importing an export (all pages); empty when none does (§4: ListImports). */
  listImports(exportName: string): Promise<string[]>;
  /** The resources of a stack, by name or ARN (ListStackResources, all pages). */
  listStackResources(stackName: string): Promise<StackResourceSummary[]>;
  /** The change sets of one stack, by name or ARN (ListChangeSets, all pages). */
  listChangeSets(stackName: string): Promise<ChangeSetSummary[]>;
  /**
   * Every stack of the account and region that is not deleted, with its tags (DescribeStacks
   * without a name, all pages; it leaves deleted stacks out, §1.5).
   */
  listStacks(): Promise<StackDescription[]>;
  /** Starts drift detection of a stack (DetectStackDrift); returns the detection's id. */
  detectStackDrift(stackName: string): Promise<string>;
  describeStackDriftDetectionStatus(detectionId: string): Promise<DriftDetectionStatus>;
  /** The stack's MODIFIED and DELETED resources as of its last detection (all pages). */
  describeStackResourceDrifts(stackName: string): Promise<ResourceDrift[]>;
  /** Every stack of the account and region (ListStacks, all pages), deleted and nested ones too. */
  listStackSummaries(): Promise<StackSummary[]>;
  /** Starts validating a refactor (CreateStackRefactor); returns its id. */
  createStackRefactor(input: CreateStackRefactorInput): Promise<string>;
  describeStackRefactor(stackRefactorId: string): Promise<StackRefactorDescription>;
  /** Every action of a refactor (ListStackRefactorActions, all pages). */
  listStackRefactorActions(stackRefactorId: string): Promise<StackRefactorAction[]>;
  executeStackRefactor(stackRefactorId: string): Promise<void>;
  /** Every refactor of the account and region (ListStackRefactors, all pages): finds one an interrupted run left. */
  listStackRefactors(): Promise<StackRefactorDescription[]>;
}

export interface SsmParameterValue {
  name: string;
  /** String | StringList | SecureString. */
  type: string;
  value: string;
  version: number | undefined;
}

export interface SsmPort {
  /** Decrypts SecureString values; `undefined` when the parameter does not exist. */
  getParameter(name: string): Promise<SsmParameterValue | undefined>;
  putParameter(input: { name: string; value: string; overwrite: boolean; description?: string }): Promise<void>;
}

/**
 * The artifacts bucket (issue 7, packaging): content-addressed objects, so an object that exists
 * is never uploaded again.
 */
export interface S3Port {
  /**
   * Whether the bucket exists and where; throws an AwsError when it does not (`NoSuchBucket`) or
   * may not be read (`AccessDenied`, `Forbidden`).
   */
  bucketRegion(bucket: string): Promise<string | undefined>;
  /** Whether the object exists (HeadObject): false on 404, throws on anything else. */
  objectExists(bucket: string, key: string): Promise<boolean>;
  putObject(input: { bucket: string; key: string; body: Uint8Array; contentType?: string }): Promise<void>;
}

export interface AwsPorts {
  cloudFormation: CloudFormationPort;
  ssm: SsmPort;
  s3: S3Port;
}

/** Where and as whom to talk to AWS; unset fields follow the SDK's default resolution. */
export interface AwsTarget {
  region?: string;
  profile?: string;
  /** An emulator's endpoint for CloudFormation and SSM (moto, LocalStack). */
  endpoint?: string;
}

export type AwsPortsFactory = (target: AwsTarget) => AwsPorts;

/** Who the credentials belong to (STS GetCallerIdentity), and the region the clients resolved. */
export interface CallerIdentity {
  account: string;
  arn: string;
  region: string;
}

/** The account check before a run (src/cli/preflight.ts); AWS only, the simulator has no credentials. */
export interface IdentityPort {
  /** The region the SDK resolved (flag, config, AWS_REGION, the profile), without calling AWS. */
  region(): Promise<string>;
  /** One GetCallerIdentity call. */
  whoAmI(): Promise<CallerIdentity>;
}
