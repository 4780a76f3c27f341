/**
 * The simulator behind the engine's ports (src/aws/ports.ts): every call is logged with its
 * virtual time, may be throttled, then advances the account to `now` and answers.
 */
import { AwsError } from '../aws/errors.js';
import type { AwsPorts, ChangeSetDescription, ResourceChange } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { InternalError } from '../errors.js';
import type { SimAccount } from './account.js';
import { createChangeSet, deleteChangeSet, describeChangeSetPage, listChangeSets } from './change-set-ops.js';
import { SimDrift } from './drift.js';
import type { SimDriftDeclarations } from './drift.js';
import type { Prng } from './random.js';
import type { SimS3Call } from './s3.js';
import type { SimCall } from './stats.js';
import { cancelUpdateStack, deleteStack, executeChangeSet } from './stack-ops.js';
import { SimRefactors } from './stack-refactor.js';

export interface SimPortsOptions {
  /** Drift the scenario declares (none by default). */
  drift?: SimDriftDeclarations;
  clock: Clock;
  /** Fraction of calls answered `Throttling` / `Rate exceeded`. */
  throttleRate: number;
  throttleRandom: Prng;
  /** Virtual time each call takes before it is answered. */
  latencyMs: number;
  log: SimCall[];
  /** Called after a call that changed the account; the call answers once it has settled. */
  persist?: (() => Promise<void>) | undefined;
}

/** Calls that change the account (the others may too: an operation that ended by now takes effect). */
const MUTATING = new Set([
  'createChangeSet',
  'deleteChangeSet',
  'executeChangeSet',
  'deleteStack',
  'cancelUpdateStack',
  'updateTerminationProtection',
  'putParameter',
  'putObject',
  'createStackRefactor',
  'executeStackRefactor',
]);

/** A guard against a caller that keeps following NextTokens: no change set has this many pages. */
const MAX_PAGES = 10_000;

export function createSimPorts(account: SimAccount, options: SimPortsOptions): AwsPorts {
  const ports = simPorts(account, options);
  const persist = options.persist;
  if (!persist) return ports;
  // What a caller has seen happen (a stack reported complete, a change set made) is saved before
  // it hears of it: a run killed right after reporting a stack done still has it next time.
  let saved = account.revision;
  const settle = async (name: string): Promise<void> => {
    if (MUTATING.has(name)) account.revision += 1;
    if (account.revision === saved) return;
    saved = account.revision;
    await persist();
  };
  return {
    cloudFormation: persisting(ports.cloudFormation, settle),
    ssm: persisting(ports.ssm, settle),
    s3: persisting(ports.s3, settle),
  };
}

function persisting<T extends object>(port: T, settle: (name: string) => Promise<void>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, call] of Object.entries(port)) {
    wrapped[name] = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await (call as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        await settle(name);
      }
    };
  }
  return wrapped as T;
}

function simPorts(account: SimAccount, options: SimPortsOptions): AwsPorts {
  const drift = new SimDrift(account, options.drift ?? {});
  const refactors = new SimRefactors(account);
  const enter = async (operation: string, stackRef: string | undefined): Promise<void> => {
    if (options.latencyMs > 0) await options.clock.sleep(options.latencyMs);
    account.advance();
    refactors.advance();
    const throttled = options.throttleRate > 0 && options.throttleRandom.next() < options.throttleRate;
    options.log.push({
      at: account.now(),
      operation,
      stackName: stackRef === undefined ? undefined : account.stackNameOf(stackRef),
      throttled,
    });
    if (throttled) throw new AwsError(operation, 'Throttling', 'Rate exceeded', 400);
  };
  // S3 calls take the same latency but are neither throttled with CloudFormation's rate nor in
  // its call log: they have their own (SimS3.calls).
  const enterS3 = async (call: Omit<SimS3Call, 'at'>): Promise<void> => {
    if (options.latencyMs > 0) await options.clock.sleep(options.latencyMs);
    account.advance();
    account.s3.calls.push({ at: account.now(), ...call });
  };

  return {
    cloudFormation: {
      async describeStack(stackName) {
        await enter('DescribeStacks', stackName);
        const stack = account.find(stackName);
        // The service answers `Stack with id X does not exist`; the port's contract is undefined.
        return stack ? account.describe(stack) : undefined;
      },
      async getTemplate(stackName) {
        await enter('GetTemplate', stackName);
        return account.getTemplate(stackName);
      },
      async createChangeSet(input) {
        await enter('CreateChangeSet', input.stackName);
        return createChangeSet(account, input);
      },
      async describeChangeSet(changeSetId) {
        const changes: ResourceChange[] = [];
        let first: ChangeSetDescription | undefined;
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page += 1) {
          await enter('DescribeChangeSet', changeSetId);
          const answer = describeChangeSetPage(account, changeSetId, nextToken);
          // Only Changes is paginated; the other fields repeat on every page (§2.4).
          const { nextToken: _token, changes: _page, ...fields } = answer;
          first ??= { ...fields, changes };
          changes.push(...answer.changes);
          nextToken = answer.nextToken;
          if (nextToken === undefined) break;
        }
        if (!first) throw new InternalError(`DescribeChangeSet ${changeSetId}: no page`);
        return first;
      },
      async deleteChangeSet(changeSetId) {
        await enter('DeleteChangeSet', changeSetId);
        deleteChangeSet(account, changeSetId);
      },
      async executeChangeSet(changeSetId, clientRequestToken) {
        await enter('ExecuteChangeSet', changeSetId);
        executeChangeSet(account, changeSetId, clientRequestToken);
      },
      async describeStackEvents(stackId, nextToken) {
        await enter('DescribeStackEvents', stackId);
        return account.describeStackEvents(stackId, nextToken);
      },
      async deleteStack(stackId, clientRequestToken, retainResources) {
        await enter('DeleteStack', stackId);
        deleteStack(account, stackId, clientRequestToken, retainResources);
      },
      async cancelUpdateStack(stackId, clientRequestToken) {
        await enter('CancelUpdateStack', stackId);
        cancelUpdateStack(account, stackId, clientRequestToken);
      },
      async updateTerminationProtection(stackId, enabled) {
        await enter('UpdateTerminationProtection', stackId);
        account.updateTerminationProtection(stackId, enabled);
      },
      async listImports(exportName) {
        await enter('ListImports', undefined);
        return account.importersOf(exportName, '');
      },
      async listStackResources(stackName) {
        await enter('ListStackResources', stackName);
        return account.listStackResources(stackName);
      },
      async listChangeSets(stackName) {
        await enter('ListChangeSets', stackName);
        return listChangeSets(account, stackName);
      },
      async listStacks() {
        await enter('DescribeStacks', undefined);
        return account.stacks.filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => account.describe(s));
      },
      async detectStackDrift(stackName) {
        await enter('DetectStackDrift', stackName);
        return drift.detect(stackName);
      },
      async describeStackDriftDetectionStatus(detectionId) {
        await enter('DescribeStackDriftDetectionStatus', undefined);
        return drift.status(detectionId);
      },
      async describeStackResourceDrifts(stackName) {
        await enter('DescribeStackResourceDrifts', stackName);
        return drift.resourceDrifts(stackName);
      },
      async listStackSummaries() {
        await enter('ListStacks', undefined);
        // The simulator runs nested stacks inside their parent's operation: every stack is a root.
        return account.stacks.map((s) => ({
          stackId: s.stackId,
          stackName: s.stackName,
          status: s.status,
          parentId: undefined,
        }));
      },
      async createStackRefactor(input) {
        await enter('CreateStackRefactor', undefined);
        return refactors.create(input);
      },
      async describeStackRefactor(stackRefactorId) {
        await enter('DescribeStackRefactor', undefined);
        return refactors.describe(stackRefactorId);
      },
      async listStackRefactorActions(stackRefactorId) {
        await enter('ListStackRefactorActions', undefined);
        return refactors.actions(stackRefactorId);
      },
      async executeStackRefactor(stackRefactorId) {
        await enter('ExecuteStackRefactor', undefined);
        refactors.execute(stackRefactorId);
      },
      async listStackRefactors() {
        await enter('ListStackRefactors', undefined);
        return refactors.list();
      },
    },
    ssm: {
      async getParameter(name) {
        await enter('GetParameter', undefined);
        return account.getParameter(name);
      },
      async putParameter(input) {
        await enter('PutParameter', undefined);
        account.putParameter(input);
      },
    },
    s3: {
      async bucketRegion(bucket) {
        await enterS3({ operation: 'HeadBucket', bucket });
        return account.s3.bucket('HeadBucket', bucket).region;
      },
      async objectExists(bucket, key) {
        await enterS3({ operation: 'HeadObject', bucket, key });
        // S3 answers a bare 404 for a missing bucket too; the adapter cannot tell them apart.
        return account.s3.object(bucket, key) !== undefined;
      },
      async putObject(input) {
        await enterS3({ operation: 'PutObject', bucket: input.bucket, key: input.key, bytes: input.body.byteLength });
        account.s3.put(input.bucket, input.key, input.body, input.contentType);
      },
    },
  };
}
