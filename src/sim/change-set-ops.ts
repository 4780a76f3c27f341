/** CreateChangeSet, DescribeChangeSet and DeleteChangeSet (CLOUDFORMATION.md §2). */
import type { ChangeSetRef, ChangeSetSummary, CreateChangeSetInput, Parameter, ResourceChange } from '../aws/ports.js';
import { AwsError } from '../aws/errors.js';
import { SimAccount, encodeToken, decodeToken, isUpdatableStatus, validation } from './account.js';
import { computeChanges } from './changes.js';
import { sameSecretOrValue } from './secret-hash.js';
import { planDeployment } from './deployment.js';
import { MAX_TEMPLATE_URL_BYTES, parseS3Url } from './s3.js';
import type { SimChangeSet, SimStack } from './model.js';
import type { SimTemplate } from './template-model.js';
import { setOwn } from '../config/own-keys.js';

/** §2.3, verbatim. */
export const NO_CHANGES_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";
/** §2.3: the reason when the template has a Transform. */
export const NO_UPDATES_REASON = 'No updates are to be performed.';
export const DEFAULT_CHANGE_SET_SECONDS = 5;
const MAX_BODY = 51_200;
const NAME_PATTERN = /^[a-zA-Z][-a-zA-Z0-9]*$/;
/** CloudFormation passes S3's error on with this pointer (CLOUDFORMATION.md §5.1). */
const S3_ERROR_SUFFIX =
  ' For more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html';

function nameError(value: string, field: string, arnAllowed: boolean): AwsError {
  const pattern = arnAllowed ? '[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*' : '[a-zA-Z][-a-zA-Z0-9]*';
  return validation(
    'CreateChangeSet',
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ` +
      `Member must satisfy regular expression pattern: ${pattern}`,
  );
}

/**
 * The template a change set is made from: the body as given, or the object a TemplateURL names in
 * the account's S3 (CLOUDFORMATION.md §5.1 for the wordings).
 */
function templateBodyOf(account: SimAccount, op: string, input: CreateChangeSetInput): string {
  if (input.templateBody !== undefined && input.templateUrl !== undefined)
    throw validation(op, 'You cannot specify both Template URL and Template Body.');
  if (input.templateBody !== undefined) {
    if (Buffer.byteLength(input.templateBody, 'utf8') > MAX_BODY) {
      throw validation(
        op,
        "1 validation error detected: Value '…' at 'templateBody' failed to satisfy constraint: " +
          'Member must have length less than or equal to 51200',
      );
    }
    return input.templateBody;
  }
  if (input.templateUrl === undefined) throw validation(op, 'Either Template URL or Template Body must be specified.');
  const location = parseS3Url(input.templateUrl);
  if (!location) throw validation(op, 'TemplateURL must be an Amazon S3 URL.');
  if (!account.s3.buckets.has(location.bucket))
    throw validation(op, `S3 error: The specified bucket does not exist${S3_ERROR_SUFFIX}`);
  const object = account.s3.object(location.bucket, location.key);
  if (!object) throw validation(op, `S3 error: The specified key does not exist.${S3_ERROR_SUFFIX}`);
  if (object.size > MAX_TEMPLATE_URL_BYTES)
    throw validation(op, `Template may not exceed ${MAX_TEMPLATE_URL_BYTES} bytes in size.`);
  // Not UTF-8 text (a zip): CloudFormation reads bytes it cannot parse as a template.
  if (object.text === undefined) throw validation(op, 'Template format error: unsupported structure.');
  return object.text;
}

export function createChangeSet(account: SimAccount, input: CreateChangeSetInput): ChangeSetRef {
  const op = 'CreateChangeSet';
  if (!(NAME_PATTERN.test(input.stackName) || input.stackName.startsWith('arn:')) || input.stackName.length > 128)
    throw nameError(input.stackName, 'stackName', true);
  if (!NAME_PATTERN.test(input.changeSetName) || input.changeSetName.length > 128)
    throw nameError(input.changeSetName, 'changeSetName', false);
  const templateBody = templateBodyOf(account, op, input);
  const read = account.template(templateBody);
  if (!read.ok) throw validation(op, `Template format error: ${read.message}`);
  const template = read.template;

  let stack = account.find(input.stackName);
  if (stack?.status === 'DELETE_COMPLETE') {
    // Only an ARN finds a deleted stack (§1.3: "by ARN ... is in DELETE_COMPLETE state").
    if (input.changeSetType === 'UPDATE')
      throw validation(op, `Stack:${stack.stackId} is in DELETE_COMPLETE state and can not be updated.`);
    stack = undefined;
  }
  if (input.changeSetType === 'CREATE') {
    if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validation(
        op,
        `Stack [${input.stackName}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`,
      );
    }
  } else {
    if (!stack || stack.status === 'REVIEW_IN_PROGRESS')
      throw validation(op, `Stack [${input.stackName}] does not exist`);
    if (!isUpdatableStatus(stack.status))
      throw validation(op, `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
  }

  const known = new Set(template.parameters.map((p) => p.name));
  const unknown = input.parameters.filter((p) => !known.has(p.key)).map((p) => p.key);
  if (unknown.length > 0) throw validation(op, `Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const parameters = SimAccount.effectiveParameters(template, input.parameters);
  const missing = template.parameters.filter((p) => !parameters.some((e) => e.key === p.name)).map((p) => p.name);
  if (missing.length > 0) throw validation(op, `Parameters: [${missing.join(', ')}] must have values`);
  const resolved = resolveParameters(account, template, parameters);

  if (stack) {
    const target = stack;
    const same = [...account.changeSets.values()].find(
      (c) => c.stackId === target.stackId && c.name === input.changeSetName,
    );
    if (same) {
      const identical =
        same.templateBody === templateBody &&
        same.givenParameters.length === input.parameters.length &&
        same.givenParameters.every(
          (p, i) => p.key === input.parameters[i]?.key && sameSecretOrValue(p.value, input.parameters[i]?.value),
        );
      // An identical retry with the same ClientToken is idempotent (§2.1).
      if (identical && same.clientToken === input.clientToken) return { changeSetId: same.id, stackId: same.stackId };
      const mismatched = same.clientToken === input.clientToken ? 'Template' : 'ClientToken';
      throw new AwsError(
        op,
        'AlreadyExistsException',
        `ChangeSet ${input.changeSetName} cannot be created due to a mismatch with existing attribute ${mismatched}`,
        400,
      );
    }
  }

  const now = account.now();
  if (!stack) {
    stack = account.newStack(input.stackName, now);
    // The creation event carries CreateChangeSet's ClientToken (SIMULATOR.md §3, [?]).
    account.record(
      stack,
      [{ at: now, logicalId: '', type: '', status: 'REVIEW_IN_PROGRESS', reason: 'User Initiated', root: true }],
      input.clientToken,
    );
  }
  const { final, changes } = evaluate(account, stack, { ...input, templateBody }, template, parameters, resolved);
  const seconds = account.script(stack.stackName)?.changeSetSeconds ?? DEFAULT_CHANGE_SET_SECONDS;
  const cs: SimChangeSet = {
    id: `arn:aws:cloudformation:${account.region}:${account.accountId}:changeSet/${input.changeSetName}/${account.ids.uuid()}`,
    name: input.changeSetName,
    stackId: stack.stackId,
    stackName: stack.stackName,
    type: input.changeSetType,
    clientToken: input.clientToken,
    createdAt: now,
    readyAt: now + Math.round(seconds * 1000),
    generation: stack.generation,
    templateBody,
    givenParameters: input.parameters.map((p) => ({ ...p })),
    parameters,
    resolved,
    tags: { ...input.tags },
    capabilities: [...input.capabilities],
    description: input.description,
    final,
    changes,
    execution: undefined,
  };
  account.changeSets.set(cs.id, cs);
  account.changeSetRecords.push({
    stackName: cs.stackName,
    changeSetId: cs.id,
    createdAt: cs.createdAt,
    readyAt: cs.readyAt,
    status: final.status,
  });
  return { changeSetId: cs.id, stackId: stack.stackId };
}

/**
 * `AWS::SSM::Parameter::Value<...>` parameters are read from SSM when the change set is made;
 * the others pass through.
 */
function resolveParameters(
  account: SimAccount,
  template: SimTemplate,
  parameters: readonly Parameter[],
): Record<string, string> {
  const resolved: Record<string, string> = {};
  const missing: string[] = [];
  for (const p of parameters) {
    const def = template.parameters.find((d) => d.name === p.key);
    if (!def?.ssm) {
      setOwn(resolved, p.key, p.value);
      continue;
    }
    const found = account.ssm.get(p.value);
    if (found) setOwn(resolved, p.key, found.value);
    else missing.push(p.value);
  }
  if (missing.length > 0)
    throw validation(
      'CreateChangeSet',
      `Unable to fetch parameters [${missing.join(',')}] from parameter store for this account.`,
    );
  return resolved;
}

function evaluate(
  account: SimAccount,
  stack: SimStack,
  input: CreateChangeSetInput & { templateBody: string },
  template: SimTemplate,
  parameters: Parameter[],
  resolved: Record<string, string>,
): { final: SimChangeSet['final']; changes: ResourceChange[] } {
  const after = planDeployment({
    template,
    templateBody: input.templateBody,
    stackName: stack.stackName,
    stackId: stack.stackId,
    region: account.region,
    accountId: account.accountId,
    parameters,
    resolved,
    tags: input.tags,
    capabilities: input.capabilities,
    previous: stack.deployed,
    replaced: new Set(),
    // Imports resolve at execution (§2.1): a missing export does not fail the change set.
    exportValue: (name) => account.exports.get(name)?.value ?? '',
  });
  const deployed = stack.deployed;
  const complete = { status: 'CREATE_COMPLETE' as const, reason: undefined };
  if (input.changeSetType === 'CREATE' || !deployed) {
    return {
      final: complete,
      changes: after.active.map((r) => ({
        action: 'Add',
        logicalId: r.logicalId,
        physicalId: undefined,
        resourceType: r.type,
        replacement: undefined,
        scope: [],
        details: [],
      })),
    };
  }
  const previous = account.template(deployed.templateBody);
  const sameTemplate = previous.ok && previous.template.canonical === template.canonical;
  if (
    sameTemplate &&
    sameRecord(deployed.resolved, resolved) &&
    sameRecord(asRecord(deployed.parameters), asRecord(parameters)) &&
    sameRecord(deployed.tags, input.tags)
  ) {
    return {
      final: { status: 'FAILED', reason: template.hasTransform ? NO_UPDATES_REASON : NO_CHANGES_REASON },
      changes: [],
    };
  }
  const beforeResources = previous.ok
    ? previous.template.resources.filter((r) => deployed.resources[r.logicalId] !== undefined)
    : [];
  const physicalIds = new Map(Object.entries(deployed.resources).map(([id, r]) => [id, r.physicalId]));
  // Output-, tag- or parameter-only edits: CREATE_COMPLETE with no Changes (§2.3).
  return {
    final: complete,
    changes: computeChanges(
      { resources: beforeResources, resolved: deployed.resolved },
      { resources: after.active, resolved },
      physicalIds,
    ),
  };
}

function asRecord(parameters: readonly Parameter[]): Record<string, string> {
  return Object.fromEntries(parameters.map((p) => [p.key, p.value]));
}

/** A saved account holds NoEcho values hashed: they compare equal to the value they were made from. */
function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameSecretOrValue(a[k], b[k]))
  );
}

/** Status as the clock sees it: CREATE_PENDING, then CREATE_IN_PROGRESS until ready (§2.2). */
/** ListChangeSets (all pages at once): the change sets of the stack a name or ARN finds, oldest first. */
export function listChangeSets(account: SimAccount, stackName: string): ChangeSetSummary[] {
  const stack = account.find(stackName);
  if (!stack) throw validation('ListChangeSets', `Stack [${stackName}] does not exist`);
  return [...account.changeSets.values()]
    .filter((cs) => cs.stackId === stack.stackId)
    .map((cs) => ({
      changeSetId: cs.id,
      changeSetName: cs.name,
      stackId: cs.stackId,
      stackName: cs.stackName,
      ...changeSetStatus(account, cs),
    }));
}

export function changeSetStatus(account: SimAccount, cs: SimChangeSet): { status: string; executionStatus: string } {
  const now = account.now();
  const pendingUntil = cs.createdAt + Math.min(1000, Math.round((cs.readyAt - cs.createdAt) / 5));
  if (now < cs.readyAt)
    return { status: now < pendingUntil ? 'CREATE_PENDING' : 'CREATE_IN_PROGRESS', executionStatus: 'UNAVAILABLE' };
  if (cs.final.status === 'FAILED') return { status: 'FAILED', executionStatus: 'UNAVAILABLE' };
  if (cs.execution) return { status: 'CREATE_COMPLETE', executionStatus: cs.execution };
  const stack = account.find(cs.stackId);
  // The stack changed by other means since the change set was made (§2.2).
  const obsolete = !stack || stack.generation !== cs.generation;
  return { status: 'CREATE_COMPLETE', executionStatus: obsolete ? 'OBSOLETE' : 'AVAILABLE' };
}

export interface ChangeSetPage {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  status: string;
  statusReason: string | undefined;
  executionStatus: string;
  changes: ResourceChange[];
  nextToken: string | undefined;
}

export function describeChangeSetPage(
  account: SimAccount,
  changeSetId: string,
  nextToken: string | undefined,
): ChangeSetPage {
  const cs = account.changeSets.get(changeSetId);
  if (!cs)
    throw new AwsError('DescribeChangeSet', 'ChangeSetNotFound', `ChangeSet [${changeSetId}] does not exist`, 404);
  const { status, executionStatus } = changeSetStatus(account, cs);
  const all = status === 'CREATE_COMPLETE' ? cs.changes : [];
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = decodeToken(nextToken, cs.id);
    if (decoded === undefined || decoded > all.length) throw validation('DescribeChangeSet', 'Invalid NextToken');
    start = decoded;
  }
  const end = start + account.changeSetPageSize;
  return {
    changeSetId: cs.id,
    changeSetName: cs.name,
    stackId: cs.stackId,
    status,
    executionStatus,
    statusReason: status === 'FAILED' ? cs.final.reason : undefined,
    changes: all.slice(start, end).map((c) => structuredClone(c)),
    nextToken: end < all.length ? encodeToken(cs.id, end) : undefined,
  };
}

export function deleteChangeSet(account: SimAccount, changeSetId: string): void {
  const cs = account.changeSets.get(changeSetId);
  if (!cs) {
    // Deleting a change set that is gone succeeds while its stack exists (§2.2).
    const gone = account.deletedChangeSets.get(changeSetId);
    if (!gone)
      throw new AwsError('DeleteChangeSet', 'ChangeSetNotFound', `ChangeSet [${changeSetId}] does not exist`, 404);
    const stack = account.find(gone.stackId);
    if (!stack || stack.status === 'DELETE_COMPLETE')
      throw validation('DeleteChangeSet', `Stack [${gone.stackId}] does not exist`);
    return;
  }
  if (cs.execution === 'EXECUTE_IN_PROGRESS') {
    throw new AwsError(
      'DeleteChangeSet',
      'InvalidChangeSetStatus',
      `Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS`,
      400,
    );
  }
  // A CREATE change set's REVIEW_IN_PROGRESS stack stays behind (§2.2).
  account.dropChangeSet(cs);
}
