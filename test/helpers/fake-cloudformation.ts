/**
 * A small in-memory CloudFormation + SSM for engine tests: the behaviour moto cannot show
 * (failures, rollbacks, in-progress states, per-resource events, pagination), written to
 * /work/shared/CLOUDFORMATION.md (§ numbers below). A test double, not the simulator: one
 * account and region, resources only as logical ids, no exports or nested stacks.
 *
 * Time does not drive it; calls do. A change set is ready after `changeSetDescribes`
 * DescribeChangeSet calls; an execution's events come out over `executionPolls` polls (each
 * DescribeStackEvents call without a NextToken is one poll); someone else's operation lasts a
 * given number of DescribeStacks calls. So a follower must poll several times, whatever its
 * delays, and the clock only stamps events.
 */
/* eslint-disable @typescript-eslint/require-await -- the ports are async; the fake answers at once, and `async` turns its throws into rejections, as the SDK's are */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../../src/aws/errors.js';
import type {
  AwsPorts,
  ChangeSetDescription,
  ChangeSetRef,
  ChangeSetSummary,
  StackSummary,
  CloudFormationPort,
  CreateChangeSetInput,
  DriftDetectionStatus,
  Parameter,
  ResourceChange,
  ResourceDrift,
  StackRefactorAction,
  StackRefactorDescription,
  SsmParameterValue,
  SsmPort,
  StackDescription,
  StackEvent,
  StackResourceSummary,
  StackOutput,
} from '../../src/aws/ports.js';
import type { Clock } from '../../src/clock.js';
import { analyzeTemplate } from '../../src/template/analyze-template.js';
import { parseTemplate } from '../../src/template/parse-template.js';
import type { TemplateValue } from '../../src/template/parse-template.js';
import { parseS3Url } from '../../src/sim/s3.js';
import { MemoryS3 } from './memory-s3.js';

/** §2.3, verbatim. */
export const NO_CHANGES_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
const STACK_TYPE = 'AWS::CloudFormation::Stack';
/** §1.3: where an UPDATE change set is accepted. */
const UPDATABLE = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
  'CREATE_FAILED',
  'UPDATE_FAILED',
];

export interface FakeCall {
  method: string;
  args: unknown[];
}

export interface FakeOptions {
  clock: Clock;
  /** DescribeStackEvents page size (real: ~100, §3.1). */
  eventPageSize?: number;
  /** DescribeChangeSet calls answering CREATE_PENDING / CREATE_IN_PROGRESS before the final status (§2.2). */
  changeSetDescribes?: number;
  /** Polls an execution's events are spread over, after the first (stack `*_IN_PROGRESS`) one. */
  executionPolls?: number;
  /** DescribeStacks calls answering DELETE_IN_PROGRESS after DeleteStack. */
  deleteDescribes?: number;
  /** false: an executed change set leaves the stack without outputs, as plain moto 5.2.1 does. @default true */
  outputsAfterChangeSet?: boolean;
}

export interface SeedStack {
  stackName: string;
  status: string;
  statusReason?: string;
  templateBody?: string;
  parameters?: Parameter[];
  tags?: Record<string, string>;
  outputs?: Record<string, string>;
  terminationProtection?: boolean;
}

interface Resource {
  logicalId: string;
  type: string;
  /** The definition, serialised, to tell a modified resource. */
  definition: string;
}

/** One stack event to be, before it gets an id, a time and a token. */
interface Step {
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  physicalId?: string;
}

interface FakeChangeSet {
  id: string;
  name: string;
  stackId: string;
  /** As given, with a TemplateURL's body read. */
  input: CreateChangeSetInput & { templateBody: string };
  /** DescribeChangeSet calls left before `final` shows. */
  pendingDescribes: number;
  final: { status: string; statusReason: string | undefined; executionStatus: string };
  executionStatus: string;
  changes: ResourceChange[];
}

interface Execution {
  changeSet: FakeChangeSet;
  token: string;
  type: 'CREATE' | 'UPDATE';
  /** Event batches not yet visible; one comes out per poll. */
  batches: Step[][];
  /** Resources this operation touches (for the rollback a cancel starts). */
  touched: ResourceChange[];
  /** Applied once the last batch is out. */
  outcome: 'success' | 'rollback';
}

interface FakeStack {
  stackId: string;
  stackName: string;
  status: string;
  statusReason: string | undefined;
  templateBody: string | undefined;
  /** As sent (real values), plus template defaults. */
  parameters: Parameter[];
  tags: Record<string, string>;
  outputs: StackOutput[];
  capabilities: string[];
  terminationProtection: boolean;
  creationTime: Date;
  lastUpdatedTime: Date | undefined;
  /** Newest first (§3.1). */
  events: StackEvent[];
  execution: Execution | undefined;
  foreign: { describesLeft: number; final: string; token: string } | undefined;
  deleteDescribesLeft: number | undefined;
}

function validation(operation: string, message: string): AwsError {
  return new AwsError(operation, 'ValidationError', message, 400);
}

function chunk<T>(items: T[], parts: number): T[][] {
  if (items.length === 0) return [];
  const size = Math.ceil(items.length / Math.max(1, parts));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface ParsedBody {
  resources: Resource[];
  outputs: { key: string; value: TemplateValue; exportName: string | undefined; description: string | undefined }[];
  parameters: { name: string; default: string | undefined; noEcho: boolean }[];
  canonical: string;
}

function parseBody(body: string): ParsedBody {
  const parsed = parseTemplate(body, 'template.yaml');
  const info = analyzeTemplate(parsed);
  const section = (name: string): Record<string, TemplateValue> => {
    const value = parsed.body[name];
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  };
  const field = (value: TemplateValue, key: string): TemplateValue | undefined =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
  return {
    resources: Object.entries(section('Resources')).map(([logicalId, def]) => {
      const type = field(def, 'Type');
      return {
        logicalId,
        type: typeof type === 'string' ? type : 'AWS::CloudFormation::WaitConditionHandle',
        definition: JSON.stringify(def),
      };
    }),
    outputs: Object.entries(section('Outputs')).map(([key, def]) => {
      const exportName = field(field(def, 'Export') ?? null, 'Name');
      const description = field(def, 'Description');
      return {
        key,
        value: field(def, 'Value') ?? null,
        exportName: typeof exportName === 'string' ? exportName : undefined,
        description: typeof description === 'string' ? description : undefined,
      };
    }),
    parameters: info.parameters.map((p) => ({ name: p.name, default: p.default, noEcho: p.noEcho })),
    canonical: JSON.stringify(parsed.body),
  };
}

/** What DescribeStacks lists: every template parameter, defaults included (NoEcho ones masked in `describe`). */
function effectiveParameters(body: ParsedBody, sent: readonly Parameter[]): Parameter[] {
  const given = new Map(sent.map((p) => [p.key, p.value]));
  const out = body.parameters.flatMap((p) => {
    const value = given.get(p.name) ?? p.default;
    return value === undefined ? [] : [{ key: p.name, value }];
  });
  for (const p of sent) if (!body.parameters.some((d) => d.name === p.key)) out.push(p);
  return out;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
}

export class FakeCloudFormation implements CloudFormationPort, SsmPort {
  /** Every call, in order, with its arguments. */
  readonly calls: FakeCall[] = [];
  /** Logical ids whose Modify is a replacement (`Replacement: True`, §2.4). */
  readonly replaceOnUpdate = new Set<string>();
  readonly ssmParameters = new Map<string, SsmParameterValue>();

  private readonly clock: Clock;
  private readonly pageSize: number;
  private readonly changeSetDescribes: number;
  private readonly executionPolls: number;
  private readonly deleteDescribes: number;
  private readonly outputsAfterChangeSet: boolean;
  /** Every stack ever made, deleted ones too (found by ARN only, §1.5). */
  private readonly stacks: FakeStack[] = [];
  private readonly changeSets = new Map<string, FakeChangeSet>();
  private readonly executionFailures = new Map<string, { logicalId: string; reason: string }>();
  private readonly changeSetFailures = new Map<string, string>();
  private lastEventTime = 0;
  private physicalIds = 0;

  constructor(options: FakeOptions) {
    this.clock = options.clock;
    this.pageSize = options.eventPageSize ?? 2;
    this.changeSetDescribes = options.changeSetDescribes ?? 2;
    this.executionPolls = options.executionPolls ?? 4;
    this.deleteDescribes = options.deleteDescribes ?? 1;
    this.outputsAfterChangeSet = options.outputsAfterChangeSet ?? true;
  }

  /** The account's S3: packaging uploads land here, and a TemplateURL is read from it. */
  readonly s3 = new MemoryS3();

  get ports(): AwsPorts {
    return { cloudFormation: this, ssm: this, s3: this.s3 };
  }

  /** Calls of one method. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  // ---- scripting -------------------------------------------------------------------------

  /** The next execution on `stackName` fails at `logicalId` with `reason` (§3.2 failure sequences). */
  failNextExecution(stackName: string, logicalId: string, reason: string): void {
    this.executionFailures.set(stackName, { logicalId, reason });
  }

  /** The next change set on `stackName` ends FAILED with `reason` (§2.2). */
  failNextChangeSet(stackName: string, reason: string): void {
    this.changeSetFailures.set(stackName, reason);
  }

  /** Someone else's operation: `status` for `describes` DescribeStacks calls, then `final`. */
  startForeignOperation(stackName: string, options: { describes: number; status?: string; final?: string }): void {
    const stack = this.mustFind(stackName);
    const token = `Console-UpdateStack-${randomUUID()}`;
    stack.foreign = { describesLeft: options.describes, final: options.final ?? 'UPDATE_COMPLETE', token };
    this.record(
      stack,
      [
        {
          logicalId: stack.stackName,
          type: STACK_TYPE,
          status: options.status ?? 'UPDATE_IN_PROGRESS',
          reason: 'User Initiated',
        },
      ],
      token,
    );
  }

  /** A stack as an earlier deploy (or a failure) left it. Returns its ARN. */
  seedStack(seed: SeedStack): string {
    const stack = this.newStack(seed.stackName, seed.status, seed.statusReason);
    stack.templateBody = seed.templateBody;
    stack.parameters = seed.templateBody
      ? effectiveParameters(parseBody(seed.templateBody), seed.parameters ?? [])
      : (seed.parameters ?? []);
    stack.tags = { ...seed.tags };
    stack.outputs = Object.entries(seed.outputs ?? {}).map(([key, value]) => ({
      key,
      value,
      exportName: undefined,
      description: undefined,
    }));
    stack.terminationProtection = seed.terminationProtection ?? false;
    return stack.stackId;
  }

  /** Live stack by name, or any stack by ARN; for assertions. */
  stack(nameOrArn: string): StackDescription | undefined {
    const stack = nameOrArn.startsWith('arn:') ? this.find(nameOrArn) : this.findLive(nameOrArn);
    return stack ? this.describe(stack) : undefined;
  }

  /** Every event of a stack, newest first, without a call in the log; for assertions. */
  history(nameOrArn: string): StackEvent[] {
    return (this.find(nameOrArn)?.events ?? []).map((e) => ({ ...e }));
  }

  /** Change sets that still exist (not deleted), for "nothing left behind" assertions. */
  liveChangeSets(): { id: string; name: string; stackId: string; executionStatus: string }[] {
    return [...this.changeSets.values()].map((c) => ({
      id: c.id,
      name: c.name,
      stackId: c.stackId,
      executionStatus: c.executionStatus,
    }));
  }

  // ---- CloudFormationPort ----------------------------------------------------------------

  async describeStack(stackName: string): Promise<StackDescription | undefined> {
    this.log('describeStack', stackName);
    const stack = this.find(stackName);
    if (!stack) return undefined;
    if (stack.foreign) {
      if (stack.foreign.describesLeft > 0) stack.foreign.describesLeft -= 1;
      else {
        this.record(
          stack,
          [{ logicalId: stack.stackName, type: STACK_TYPE, status: stack.foreign.final }],
          stack.foreign.token,
        );
        stack.foreign = undefined;
      }
    }
    if (stack.deleteDescribesLeft !== undefined) {
      if (stack.deleteDescribesLeft > 0) stack.deleteDescribesLeft -= 1;
      else this.finishDelete(stack);
    }
    // By name, a deleted stack no longer exists (§1.5).
    if (stack.status === 'DELETE_COMPLETE' && !stackName.startsWith('arn:')) return undefined;
    return this.describe(stack);
  }

  async getTemplate(stackName: string): Promise<string> {
    this.log('getTemplate', stackName);
    const stack = this.find(stackName);
    if (!stack) throw validation('GetTemplate', `Stack with id ${stackName} does not exist`);
    return stack.templateBody ?? '';
  }

  async createChangeSet(given: CreateChangeSetInput): Promise<ChangeSetRef> {
    this.log('createChangeSet', given);
    const input = { ...given, templateBody: this.templateBodyOf(given) };
    let stack = this.findLive(input.stackName);
    if (input.changeSetType === 'CREATE') {
      // §2.1, §1.3: a live stack refuses; a REVIEW_IN_PROGRESS one takes more CREATE change sets.
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw validation(
          'CreateChangeSet',
          `Stack [${input.stackName}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`,
        );
      }
      if (!stack) {
        stack = this.newStack(input.stackName, 'REVIEW_IN_PROGRESS', 'User Initiated');
        // Stamped with CreateChangeSet's ClientToken, as the simulator does (SIMULATOR.md §3, [?]).
        this.record(
          stack,
          [{ logicalId: stack.stackName, type: STACK_TYPE, status: 'REVIEW_IN_PROGRESS', reason: 'User Initiated' }],
          input.clientToken,
        );
      }
    } else {
      if (!stack || stack.status === 'REVIEW_IN_PROGRESS')
        throw validation('CreateChangeSet', `Stack [${input.stackName}] does not exist`);
      if (!UPDATABLE.includes(stack.status))
        throw validation(
          'CreateChangeSet',
          `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
        );
    }
    const target = stack;
    if ([...this.changeSets.values()].some((c) => c.stackId === target.stackId && c.name === input.changeSetName)) {
      throw new AwsError(
        'CreateChangeSet',
        'AlreadyExistsException',
        `ChangeSet ${input.changeSetName} cannot be created due to a mismatch with existing attribute Template`,
        400,
      );
    }
    const id = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${input.changeSetName}/${randomUUID()}`;
    const { final, changes } = this.evaluate(target, input);
    this.changeSets.set(id, {
      id,
      name: input.changeSetName,
      stackId: target.stackId,
      input,
      pendingDescribes: this.changeSetDescribes,
      final,
      executionStatus: 'UNAVAILABLE',
      changes,
    });
    return { changeSetId: id, stackId: target.stackId };
  }

  async describeChangeSet(changeSetId: string): Promise<ChangeSetDescription> {
    this.log('describeChangeSet', changeSetId);
    const cs = this.changeSets.get(changeSetId);
    if (!cs)
      throw new AwsError('DescribeChangeSet', 'ChangeSetNotFound', `ChangeSet [${changeSetId}] does not exist`, 404);
    const base = { changeSetId: cs.id, changeSetName: cs.name, stackId: cs.stackId };
    if (cs.pendingDescribes > 0) {
      cs.pendingDescribes -= 1;
      const status = cs.pendingDescribes === 0 ? 'CREATE_IN_PROGRESS' : 'CREATE_PENDING';
      return { ...base, status, statusReason: undefined, executionStatus: 'UNAVAILABLE', changes: [] };
    }
    if (cs.executionStatus === 'UNAVAILABLE') cs.executionStatus = cs.final.executionStatus;
    // §2.2: execution moves ExecutionStatus only; Status stays CREATE_COMPLETE.
    return {
      ...base,
      status: cs.final.status,
      statusReason: cs.final.statusReason,
      executionStatus: cs.executionStatus,
      changes: cs.final.status === 'FAILED' ? [] : cs.changes,
    };
  }

  async deleteChangeSet(changeSetId: string): Promise<void> {
    this.log('deleteChangeSet', changeSetId);
    // §2.2: deleting a change set that is gone succeeds; the REVIEW_IN_PROGRESS stack stays.
    this.changeSets.delete(changeSetId);
  }

  async executeChangeSet(changeSetId: string, clientRequestToken: string): Promise<void> {
    this.log('executeChangeSet', changeSetId, clientRequestToken);
    const cs = this.changeSets.get(changeSetId);
    if (!cs)
      throw new AwsError('ExecuteChangeSet', 'ChangeSetNotFound', `ChangeSet [${changeSetId}] does not exist`, 404);
    if (
      cs.pendingDescribes > 0 ||
      cs.final.status !== 'CREATE_COMPLETE' ||
      cs.executionStatus === 'OBSOLETE' ||
      cs.executionStatus.startsWith('EXECUTE')
    ) {
      const status = cs.pendingDescribes > 0 ? 'CREATE_PENDING' : cs.final.status;
      throw new AwsError(
        'ExecuteChangeSet',
        'InvalidChangeSetStatus',
        `ChangeSet [${cs.id}] cannot be executed in its current status of [${status}]`,
        400,
      );
    }
    const stack = this.mustFind(cs.stackId);
    // §2.2: executing one change set deletes the stack's other change sets.
    for (const other of [...this.changeSets.values()])
      if (other.stackId === stack.stackId && other.id !== cs.id) this.changeSets.delete(other.id);
    cs.executionStatus = 'EXECUTE_IN_PROGRESS';
    const type = stack.status === 'REVIEW_IN_PROGRESS' ? 'CREATE' : 'UPDATE';
    const failure = this.executionFailures.get(stack.stackName);
    this.executionFailures.delete(stack.stackName);
    const steps = type === 'CREATE' ? this.createSteps(stack, cs, failure) : this.updateSteps(stack, cs, failure);
    const [first, ...rest] = steps;
    stack.execution = {
      changeSet: cs,
      token: clientRequestToken,
      type,
      batches: chunk(rest, this.executionPolls),
      touched: cs.changes,
      outcome: failure ? 'rollback' : 'success',
    };
    stack.lastUpdatedTime = new Date(this.clock.now());
    // The stack's own *_IN_PROGRESS event is there at once (§1.2: ExecuteChangeSet returns, the work is async).
    if (first) this.record(stack, [first], clientRequestToken);
  }

  async describeStackEvents(
    stackId: string,
    nextToken?: string,
  ): Promise<{ events: StackEvent[]; nextToken: string | undefined }> {
    this.log('describeStackEvents', stackId, nextToken);
    const stack = this.find(stackId);
    if (!stack || (stack.status === 'DELETE_COMPLETE' && !stackId.startsWith('arn:'))) {
      throw validation('DescribeStackEvents', `Stack [${stackId}] does not exist`);
    }
    let start = 0;
    if (nextToken === undefined) this.advance(stack);
    else {
      // Opaque to callers: the id of the last event handed out.
      const after = Buffer.from(nextToken, 'base64url').toString('utf8');
      start = stack.events.findIndex((e) => e.eventId === after) + 1;
      if (start === 0) throw validation('DescribeStackEvents', 'Invalid NextToken');
    }
    const events = stack.events.slice(start, start + this.pageSize);
    const last = events.at(-1);
    const more = start + this.pageSize < stack.events.length && last !== undefined;
    return {
      events: events.map((e) => ({ ...e })),
      nextToken: more ? Buffer.from(last.eventId, 'utf8').toString('base64url') : undefined,
    };
  }

  async deleteStack(stackId: string, clientRequestToken?: string): Promise<void> {
    this.log('deleteStack', stackId, clientRequestToken);
    const stack = this.find(stackId);
    // §1.5: an unknown name is a silent success; so is deleting a deleted stack.
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
    if (stack.terminationProtection)
      throw validation(
        'DeleteStack',
        `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
      );
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validation('DeleteStack', `Stack cannot be deleted while in status ${stack.status}`);
    }
    const empty = stack.status === 'REVIEW_IN_PROGRESS';
    stack.execution = undefined;
    stack.deleteDescribesLeft = this.deleteDescribes;
    this.record(
      stack,
      [{ logicalId: stack.stackName, type: STACK_TYPE, status: 'DELETE_IN_PROGRESS', reason: 'User Initiated' }],
      clientRequestToken,
    );
    // A REVIEW_IN_PROGRESS stack holds nothing: it is gone at once.
    if (this.deleteDescribes === 0 || empty) this.finishDelete(stack);
  }

  async cancelUpdateStack(stackId: string, clientRequestToken?: string): Promise<void> {
    this.log('cancelUpdateStack', stackId, clientRequestToken);
    const stack = this.find(stackId);
    if (!stack) throw validation('CancelUpdateStack', `Stack [${stackId}] does not exist`);
    const execution = stack.execution;
    // §6: only from UPDATE_IN_PROGRESS.
    if (stack.status !== 'UPDATE_IN_PROGRESS' || !execution)
      throw validation('CancelUpdateStack', 'CancelUpdateStack cannot be called from current stack status');
    // The rest of the update is replaced by its rollback: resources in flight are cancelled (§6).
    // Its events carry the cancel's own token when one is given (§3.1: an operation's events
    // carry the token given to that call) [?: the rollback could also keep the execute's token].
    const inFlight = execution.touched.filter(
      (c) => c.action !== 'Remove' && this.lastStatus(stack, c.logicalId)?.endsWith('_IN_PROGRESS'),
    );
    const steps: Step[] = [
      ...inFlight.map((c) => ({
        logicalId: c.logicalId,
        type: c.resourceType,
        status: c.action === 'Add' ? 'CREATE_FAILED' : 'UPDATE_FAILED',
        reason: 'Resource update cancelled',
      })),
      {
        logicalId: stack.stackName,
        type: STACK_TYPE,
        status: 'UPDATE_ROLLBACK_IN_PROGRESS',
        reason: 'Stack update cancelled',
      },
      ...this.updateRollbackSteps(stack, execution.touched),
    ];
    execution.token = clientRequestToken ?? execution.token;
    execution.batches = chunk(steps, this.executionPolls);
    execution.outcome = 'rollback';
  }

  async updateTerminationProtection(stackId: string, enabled: boolean): Promise<void> {
    this.log('updateTerminationProtection', stackId, enabled);
    const stack = this.find(stackId);
    if (!stack) throw validation('UpdateTerminationProtection', `Stack [${stackId}] does not exist`);
    stack.terminationProtection = enabled;
  }

  listImports(exportName: string): Promise<string[]> {
    this.log('listImports', exportName);
    // This double keeps no imports: nothing imports anything here (the simulator models them).
    return Promise.resolve([]);
  }

  async listStackSummaries(): Promise<StackSummary[]> {
    this.log('listStackSummaries');
    await Promise.resolve();
    return this.stacks.map((s) => ({
      stackId: s.stackId,
      stackName: s.stackName,
      status: s.status,
      parentId: undefined,
    }));
  }

  async listStackResources(stackName: string): Promise<StackResourceSummary[]> {
    this.log('listStackResources', stackName);
    await Promise.resolve();
    // The fake keeps no resources: what engine tests need of this call is that it answers.
    return [];
  }

  async listChangeSets(stackName: string): Promise<ChangeSetSummary[]> {
    this.log('listChangeSets', stackName);
    const stack = this.find(stackName);
    if (!stack) throw validation('ListChangeSets', `Stack [${stackName}] does not exist`);
    return [...this.changeSets.values()]
      .filter((c) => c.stackId === stack.stackId)
      .map((c) => ({
        changeSetId: c.id,
        changeSetName: c.name,
        stackId: c.stackId,
        stackName: stack.stackName,
        status: c.pendingDescribes > 0 ? 'CREATE_PENDING' : c.final.status,
        executionStatus: c.executionStatus,
      }));
  }

  listStacks(): Promise<StackDescription[]> {
    this.log('listStacks', undefined);
    return Promise.resolve(this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => this.describe(s)));
  }

  /** This double has no drift (the simulator models it): every stack is in sync at once. */
  detectStackDrift(stackName: string): Promise<string> {
    this.log('detectStackDrift', stackName);
    return Promise.resolve(`drift-${stackName}`);
  }

  describeStackDriftDetectionStatus(detectionId: string): Promise<DriftDetectionStatus> {
    this.log('describeStackDriftDetectionStatus', detectionId);
    return Promise.resolve({
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: 'IN_SYNC',
      detectionStatusReason: undefined,
      driftedResourceCount: 0,
    });
  }

  describeStackResourceDrifts(stackName: string): Promise<ResourceDrift[]> {
    this.log('describeStackResourceDrifts', stackName);
    return Promise.resolve([]);
  }

  /** This double has no stack refactoring (the simulator models it): every call is refused as unknown. */
  createStackRefactor(): Promise<string> {
    return this.noRefactor('CreateStackRefactor');
  }

  describeStackRefactor(): Promise<StackRefactorDescription> {
    return this.noRefactor('DescribeStackRefactor');
  }

  listStackRefactorActions(): Promise<StackRefactorAction[]> {
    return this.noRefactor('ListStackRefactorActions');
  }

  executeStackRefactor(): Promise<void> {
    return this.noRefactor('ExecuteStackRefactor');
  }

  listStackRefactors(): Promise<StackRefactorDescription[]> {
    this.log('listStackRefactors', undefined);
    return Promise.resolve([]);
  }

  private noRefactor(operation: string): Promise<never> {
    this.log(operation, undefined);
    return Promise.reject(
      new AwsError(operation, 'InvalidAction', `${operation} is not supported by this double`, 400),
    );
  }

  // ---- SsmPort ---------------------------------------------------------------------------

  async getParameter(name: string): Promise<SsmParameterValue | undefined> {
    this.log('getParameter', name);
    const found = this.ssmParameters.get(name);
    return found ? { ...found } : undefined;
  }

  async putParameter(input: { name: string; value: string; overwrite: boolean; description?: string }): Promise<void> {
    this.log('putParameter', input);
    const existing = this.ssmParameters.get(input.name);
    if (existing && !input.overwrite) {
      throw new AwsError(
        'PutParameter',
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this request value, set the overwrite option in the request to true.',
        400,
      );
    }
    this.ssmParameters.set(input.name, {
      name: input.name,
      type: existing?.type ?? 'String',
      value: input.value,
      version: (existing?.version ?? 0) + 1,
    });
  }

  /** Test setup: a parameter, `String` or `SecureString`, without a call in the log. */
  setSsm(name: string, value: string, type: 'String' | 'SecureString' | 'StringList' = 'String'): void {
    this.ssmParameters.set(name, { name, type, value, version: 1 });
  }

  // ---- internals -------------------------------------------------------------------------

  private log(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  private find(nameOrArn: string): FakeStack | undefined {
    if (nameOrArn.startsWith('arn:')) return this.stacks.find((s) => s.stackId === nameOrArn);
    return this.findLive(nameOrArn) ?? this.stacks.findLast((s) => s.stackName === nameOrArn);
  }

  private findLive(name: string): FakeStack | undefined {
    return this.stacks.find((s) => s.stackName === name && s.status !== 'DELETE_COMPLETE');
  }

  private mustFind(nameOrArn: string): FakeStack {
    const stack = this.find(nameOrArn);
    if (!stack) throw new Error(`fake: no stack ${nameOrArn}`);
    return stack;
  }

  private newStack(stackName: string, status: string, statusReason: string | undefined): FakeStack {
    const stack: FakeStack = {
      stackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/${randomUUID()}`,
      stackName,
      status,
      statusReason,
      templateBody: undefined,
      parameters: [],
      tags: {},
      outputs: [],
      capabilities: [],
      terminationProtection: false,
      creationTime: new Date(this.clock.now()),
      lastUpdatedTime: undefined,
      events: [],
      execution: undefined,
      foreign: undefined,
      deleteDescribesLeft: undefined,
    };
    this.stacks.push(stack);
    return stack;
  }

  private describe(stack: FakeStack): StackDescription {
    // §5/§8: DescribeStacks masks NoEcho values.
    const noEcho = new Set(
      stack.templateBody
        ? parseBody(stack.templateBody)
            .parameters.filter((p) => p.noEcho)
            .map((p) => p.name)
        : [],
    );
    return {
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      statusReason: stack.statusReason,
      parameters: stack.parameters.map((p) => ({ key: p.key, value: noEcho.has(p.key) ? '****' : p.value })),
      outputs: stack.outputs.map((o) => ({ ...o })),
      tags: { ...stack.tags },
      capabilities: [...stack.capabilities],
      terminationProtection: stack.terminationProtection,
      creationTime: stack.creationTime,
      lastUpdatedTime: stack.lastUpdatedTime,
    };
  }

  /** The body, or the TemplateURL's object in `this.s3` (wordings: CLOUDFORMATION.md §5.1). */
  private templateBodyOf(input: CreateChangeSetInput): string {
    if (input.templateBody !== undefined) return input.templateBody;
    if (input.templateUrl === undefined)
      throw validation('CreateChangeSet', 'Either Template URL or Template Body must be specified.');
    const location = parseS3Url(input.templateUrl);
    if (!location) throw validation('CreateChangeSet', 'TemplateURL must be an Amazon S3 URL.');
    const text = this.s3.text(location.bucket, location.key);
    if (text === undefined) throw validation('CreateChangeSet', 'S3 error: The specified key does not exist.');
    return text;
  }

  /** The change set's final status and changes, decided when it is created (§2.2-§2.4). */
  private evaluate(
    stack: FakeStack,
    input: CreateChangeSetInput & { templateBody: string },
  ): { final: FakeChangeSet['final']; changes: ResourceChange[] } {
    const failed = (reason: string): { final: FakeChangeSet['final']; changes: ResourceChange[] } => ({
      final: { status: 'FAILED', statusReason: reason, executionStatus: 'UNAVAILABLE' },
      changes: [],
    });
    const scripted = this.changeSetFailures.get(stack.stackName);
    if (scripted !== undefined) {
      this.changeSetFailures.delete(stack.stackName);
      return failed(scripted);
    }
    let next: ParsedBody;
    try {
      next = parseBody(input.templateBody);
    } catch (error) {
      return failed(`Template format error: ${error instanceof Error ? error.message : String(error)}`);
    }
    const deployed =
      stack.status === 'REVIEW_IN_PROGRESS' || !stack.templateBody ? undefined : parseBody(stack.templateBody);
    const change = (action: ResourceChange['action'], r: Resource, replacement?: string): ResourceChange => ({
      action,
      logicalId: r.logicalId,
      physicalId: action === 'Add' ? undefined : `fake-${r.logicalId}`,
      resourceType: r.type,
      replacement,
      scope: action === 'Modify' ? ['Properties'] : [],
      details: [],
    });
    if (!deployed)
      return {
        final: { status: 'CREATE_COMPLETE', statusReason: undefined, executionStatus: 'AVAILABLE' },
        changes: next.resources.map((r) => change('Add', r)),
      };

    const before = Object.fromEntries(stack.parameters.map((p) => [p.key, p.value]));
    const after = Object.fromEntries(effectiveParameters(next, input.parameters).map((p) => [p.key, p.value]));
    const changedParameters = Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
    if (deployed.canonical === next.canonical && changedParameters.length === 0 && sameRecord(stack.tags, input.tags))
      return failed(NO_CHANGES_REASON);

    const old = new Map(deployed.resources.map((r) => [r.logicalId, r]));
    const changes: ResourceChange[] = [];
    for (const r of next.resources) {
      const previous = old.get(r.logicalId);
      if (!previous) {
        changes.push(change('Add', r));
        continue;
      }
      // A resource that refers to a parameter whose value changed is modified too (§2.4 ParameterReference).
      const usesChangedParameter = changedParameters.some((k) => r.definition.includes(JSON.stringify({ Ref: k })));
      if (previous.definition !== r.definition || usesChangedParameter)
        changes.push(change('Modify', r, this.replaceOnUpdate.has(r.logicalId) ? 'True' : 'False'));
    }
    for (const r of deployed.resources)
      if (!next.resources.some((n) => n.logicalId === r.logicalId)) changes.push(change('Remove', r));
    // Output-, tag- or parameter-only edits: CREATE_COMPLETE with no Changes (§2.3).
    return { final: { status: 'CREATE_COMPLETE', statusReason: undefined, executionStatus: 'AVAILABLE' }, changes };
  }

  /** §3.2 "Create, success" / "Create, A fails while B is in flight". */
  private createSteps(
    stack: FakeStack,
    cs: FakeChangeSet,
    failure: { logicalId: string; reason: string } | undefined,
  ): Step[] {
    const resources = parseBody(cs.input.templateBody).resources;
    const root = (status: string, reason?: string): Step => ({
      logicalId: stack.stackName,
      type: STACK_TYPE,
      status,
      ...(reason ? { reason } : {}),
    });
    const steps: Step[] = [
      root('CREATE_IN_PROGRESS', 'User Initiated'),
      ...resources.map((r) => ({ logicalId: r.logicalId, type: r.type, status: 'CREATE_IN_PROGRESS', physicalId: '' })),
      ...resources.map((r) => ({
        logicalId: r.logicalId,
        type: r.type,
        status: 'CREATE_IN_PROGRESS',
        reason: 'Resource creation Initiated',
        physicalId: this.physicalId(r.logicalId),
      })),
    ];
    if (!failure) {
      return [
        ...steps,
        ...resources.map((r) => ({ logicalId: r.logicalId, type: r.type, status: 'CREATE_COMPLETE' })),
        root('CREATE_COMPLETE'),
      ];
    }
    const failing = resources.find((r) => r.logicalId === failure.logicalId);
    if (!failing)
      throw new Error(
        `fake: scripted failure of ${failure.logicalId}, which ${stack.stackName}'s template does not have`,
      );
    const siblings = resources.filter((r) => r !== failing);
    return [
      ...steps,
      { logicalId: failing.logicalId, type: failing.type, status: 'CREATE_FAILED', reason: failure.reason },
      ...siblings.map((r) => ({
        logicalId: r.logicalId,
        type: r.type,
        status: 'CREATE_FAILED',
        reason: 'Resource creation cancelled',
      })),
      root(
        'ROLLBACK_IN_PROGRESS',
        `The following resource(s) failed to create: [${[failing, ...siblings].map((r) => r.logicalId).join(', ')}]. Rollback requested by user.`,
      ),
      ...[...resources]
        .reverse()
        .flatMap((r) => [
          ...(r === failing ? [] : [{ logicalId: r.logicalId, type: r.type, status: 'DELETE_IN_PROGRESS' }]),
          { logicalId: r.logicalId, type: r.type, status: 'DELETE_COMPLETE' },
        ]),
      root('ROLLBACK_COMPLETE'),
    ];
  }

  /** §3.2 "Update, success" / "Update, failure"; §1.2 cleanup states always. */
  private updateSteps(
    stack: FakeStack,
    cs: FakeChangeSet,
    failure: { logicalId: string; reason: string } | undefined,
  ): Step[] {
    const root = (status: string, reason?: string): Step => ({
      logicalId: stack.stackName,
      type: STACK_TYPE,
      status,
      ...(reason ? { reason } : {}),
    });
    const working = cs.changes.filter((c) => c.action !== 'Remove');
    const starting = working.flatMap((c): Step[] =>
      c.action === 'Add'
        ? [
            { logicalId: c.logicalId, type: c.resourceType, status: 'CREATE_IN_PROGRESS', physicalId: '' },
            {
              logicalId: c.logicalId,
              type: c.resourceType,
              status: 'CREATE_IN_PROGRESS',
              reason: 'Resource creation Initiated',
            },
          ]
        : [
            {
              logicalId: c.logicalId,
              type: c.resourceType,
              status: 'UPDATE_IN_PROGRESS',
              ...(c.replacement === 'True'
                ? { reason: 'Requested update requires the creation of a new physical resource; hence creating one.' }
                : {}),
            },
          ],
    );
    if (!failure) {
      return [
        root('UPDATE_IN_PROGRESS', 'User Initiated'),
        ...starting,
        ...working.map((c) => ({
          logicalId: c.logicalId,
          type: c.resourceType,
          status: c.action === 'Add' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE',
        })),
        root('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
        ...cs.changes
          .filter((c) => c.action === 'Remove' || c.replacement === 'True')
          .flatMap((c) => [
            { logicalId: c.logicalId, type: c.resourceType, status: 'DELETE_IN_PROGRESS' },
            { logicalId: c.logicalId, type: c.resourceType, status: 'DELETE_COMPLETE' },
          ]),
        root('UPDATE_COMPLETE'),
      ];
    }
    const failing = working.find((c) => c.logicalId === failure.logicalId);
    if (!failing)
      throw new Error(
        `fake: scripted failure of ${failure.logicalId}, which this update of ${stack.stackName} does not add or modify`,
      );
    const failedStatus = (c: ResourceChange): string => (c.action === 'Add' ? 'CREATE_FAILED' : 'UPDATE_FAILED');
    return [
      root('UPDATE_IN_PROGRESS', 'User Initiated'),
      ...starting,
      {
        logicalId: failing.logicalId,
        type: failing.resourceType,
        status: failedStatus(failing),
        reason: failure.reason,
      },
      ...working
        .filter((c) => c !== failing)
        .map((c) => ({
          logicalId: c.logicalId,
          type: c.resourceType,
          status: failedStatus(c),
          reason: c.action === 'Add' ? 'Resource creation cancelled' : 'Resource update cancelled',
        })),
      root(
        'UPDATE_ROLLBACK_IN_PROGRESS',
        `The following resource(s) failed to ${failing.action === 'Add' ? 'create' : 'update'}: [${failing.logicalId}].`,
      ),
      ...this.updateRollbackSteps(stack, cs.changes),
    ];
  }

  /** §3.2 "Update, failure" steps 3-5: revert, cleanup (deleting what was added), done. */
  private updateRollbackSteps(stack: FakeStack, touched: ResourceChange[]): Step[] {
    const root = (status: string): Step => ({ logicalId: stack.stackName, type: STACK_TYPE, status });
    return [
      ...touched
        .filter((c) => c.action === 'Modify')
        .flatMap((c) => [
          { logicalId: c.logicalId, type: c.resourceType, status: 'UPDATE_IN_PROGRESS' },
          { logicalId: c.logicalId, type: c.resourceType, status: 'UPDATE_COMPLETE' },
        ]),
      root('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'),
      ...touched
        .filter((c) => c.action === 'Add')
        .flatMap((c) => [
          { logicalId: c.logicalId, type: c.resourceType, status: 'DELETE_IN_PROGRESS' },
          { logicalId: c.logicalId, type: c.resourceType, status: 'DELETE_COMPLETE' },
        ]),
      root('UPDATE_ROLLBACK_COMPLETE'),
    ];
  }

  /** One poll: the next batch of the running execution becomes visible; the last one ends it. */
  private advance(stack: FakeStack): void {
    const execution = stack.execution;
    if (!execution) return;
    const batch = execution.batches.shift();
    if (batch) this.record(stack, batch, execution.token);
    if (execution.batches.length > 0) return;
    stack.execution = undefined;
    const cs = execution.changeSet;
    cs.executionStatus = execution.outcome === 'success' ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
    if (execution.outcome === 'rollback') {
      // A failed create keeps the template it tried (ROLLBACK_COMPLETE); a failed update keeps the old state.
      if (execution.type === 'CREATE') stack.templateBody = cs.input.templateBody;
      return;
    }
    const body = parseBody(cs.input.templateBody);
    stack.templateBody = cs.input.templateBody;
    stack.parameters = effectiveParameters(body, cs.input.parameters);
    stack.tags = { ...cs.input.tags };
    stack.capabilities = [...cs.input.capabilities];
    const values = Object.fromEntries(stack.parameters.map((p) => [p.key, p.value]));
    stack.outputs = (this.outputsAfterChangeSet ? body.outputs : []).map((o) => ({
      key: o.key,
      value: this.outputValue(o.key, o.value, values),
      exportName: o.exportName,
      description: o.description,
    }));
  }

  /** Literals as written; `Ref` to a parameter gives its value; anything else a stand-in. */
  private outputValue(key: string, value: TemplateValue, parameters: Record<string, string>): string {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    const ref = value !== null && typeof value === 'object' && !Array.isArray(value) ? value.Ref : undefined;
    if (typeof ref === 'string') return parameters[ref] ?? `fake-${ref}`;
    return `fake-output-${key}`;
  }

  private finishDelete(stack: FakeStack): void {
    stack.deleteDescribesLeft = undefined;
    const token = stack.events[0]?.clientRequestToken;
    const resources =
      stack.templateBody && stack.status !== 'ROLLBACK_COMPLETE' ? parseBody(stack.templateBody).resources : [];
    this.record(
      stack,
      [
        ...[...resources].reverse().flatMap((r) => [
          { logicalId: r.logicalId, type: r.type, status: 'DELETE_IN_PROGRESS' },
          { logicalId: r.logicalId, type: r.type, status: 'DELETE_COMPLETE' },
        ]),
        { logicalId: stack.stackName, type: STACK_TYPE, status: 'DELETE_COMPLETE' },
      ],
      token,
    );
    for (const cs of [...this.changeSets.values()]) if (cs.stackId === stack.stackId) this.changeSets.delete(cs.id);
  }

  private lastStatus(stack: FakeStack, logicalId: string): string | undefined {
    return stack.events.find((e) => e.logicalId === logicalId)?.status;
  }

  private physicalId(logicalId: string): string {
    this.physicalIds += 1;
    return `fake-${logicalId}-${this.physicalIds}`;
  }

  /** Makes steps visible as events (newest first), stamping the token; the stack's own events set its status. */
  private record(stack: FakeStack, steps: Step[], token: string | undefined): void {
    for (const step of steps) {
      // Distinct, increasing times, so that `<LogicalId>-<STATUS>-<time>` ids are unique.
      this.lastEventTime = Math.max(this.clock.now(), this.lastEventTime + 1);
      const timestamp = new Date(this.lastEventTime);
      const isRoot = step.type === STACK_TYPE && step.logicalId === stack.stackName;
      stack.events.unshift({
        // §3.1: UUIDs for stack events, `<LogicalId>-<STATUS>-<ISO time>` for resource events.
        eventId: isRoot ? randomUUID() : `${step.logicalId}-${step.status}-${timestamp.toISOString()}`,
        stackId: stack.stackId,
        stackName: stack.stackName,
        logicalId: step.logicalId,
        physicalId: isRoot ? stack.stackId : (step.physicalId ?? `fake-${step.logicalId}`),
        resourceType: step.type,
        status: step.status,
        reason: step.reason,
        timestamp,
        clientRequestToken: token,
      });
      if (isRoot) {
        stack.status = step.status;
        stack.statusReason = step.reason;
      }
    }
  }
}
