import type { AwsPorts, SsmParameterValue, StackDescription, StackEvent } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_REGION, SimAccount } from './account.js';
import { changeSetStatus } from './change-set-ops.js';
import type { SimExport } from './model.js';
import { Prng } from './random.js';
import type { ExistingStack, SimScenario } from './scenario.js';
import type { SimS3Call, SimS3Object } from './s3.js';
import { createSimPorts } from './sim-ports.js';
import { exportState, exportStateText, importState, parseState } from './state.js';
import type { SimState } from './state.js';
import { summarize } from './stats.js';
import type { SimCall, SimStats } from './stats.js';
import { defaultCreateSeconds, defaultUpdateSeconds, startCreate, startForeignUpdate } from './stack-ops.js';
import { ownValue } from '../config/own-keys.js';

export interface SimulatorOptions {
  /** Virtual (`createVirtualClock`) or scaled (`createScaledClock`) time; the simulator sets no timers. */
  clock: Clock;
  /** Keyed by stack name (`resolveScenario` maps a file's ids). */
  scenario?: SimScenario;
  /** What `exportState()` returned in an earlier run (parsed JSON); validated. */
  state?: unknown;
  /** Where `state` came from, for error messages. */
  stateSource?: string;
  /** Page sizes of DescribeStackEvents and DescribeChangeSet. A number sets both. @default 100 */
  pageSize?: number | { events?: number; changes?: number };
  /** Seeds ids and throttling. @default scenario.seed, else 1 */
  seed?: number;
  /** @default 'us-east-1' */
  region?: string;
  /** Virtual ms every API call takes. @default 0 */
  latencyMs?: number;
  /**
   * S3 buckets that exist before the run, name → region (with the scenario's `buckets`; these win).
   * A bucket already in a saved state keeps its objects.
   */
  buckets?: Record<string, { region: string }>;
  /**
   * Saves the account (`exportState()`) somewhere: called after every call that changed it (a
   * change set made, executed or deleted, an operation that ended, an SSM or S3 write), and that
   * call answers only once the promise has settled. Must not reject.
   */
  persist?: () => Promise<void>;
}

export interface Simulator {
  ports: AwsPorts;
  /** The account as JSON-ready data, for `--simulate-state`. */
  exportState(): SimState;
  /** The same as JSON text, without a copy of the account: for saving often. */
  exportStateText(): string;
  /** The call log and per-operation completion times. */
  stats(): SimStats;
  /** Inspection without a logged call (tests, the benchmark). */
  inspect: SimInspector;
}

export interface SimInspector {
  stack(nameOrArn: string): StackDescription | undefined;
  /** Every visible event, newest first. */
  events(nameOrArn: string): StackEvent[];
  changeSets(): { id: string; name: string; stackName: string; status: string; executionStatus: string }[];
  exports(): SimExport[];
  ssmParameter(name: string): SsmParameterValue | undefined;
  /** Puts a parameter into the simulated SSM (setup). */
  putSsmParameter(name: string, value: string, type?: 'String' | 'StringList' | 'SecureString'): void;
  /** Every bucket with its region and object keys (sorted). */
  buckets(): { name: string; region: string; keys: string[] }[];
  /** One object's size, SHA-256 (hex) and, for a template, its text. */
  s3Object(bucket: string, key: string): SimS3Object | undefined;
  /** Creates a bucket (setup); an existing one keeps its objects. */
  createBucket(name: string, region?: string): void;
  /** Puts an object without a logged call (setup: a template for TemplateURL). */
  putS3Object(bucket: string, key: string, body: string | Uint8Array, contentType?: string): void;
  /** The S3 calls made through the ports (HeadBucket, HeadObject, PutObject); not in stats(). */
  s3Calls(): SimS3Call[];
}

const PLACEHOLDER_TEMPLATE = `# stackpilot simulator: a stack that existed before this run (its template was not given)
Resources:
  Placeholder:
    Type: AWS::CloudFormation::WaitConditionHandle
`;

/** An in-process CloudFormation + SSM + S3 in virtual time, behind the same ports as src/aws. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const scenario = options.scenario ?? {};
  const seed = options.seed ?? scenario.seed ?? 1;
  const pageSize =
    typeof options.pageSize === 'number'
      ? { events: options.pageSize, changes: options.pageSize }
      : (options.pageSize ?? {});
  const account = new SimAccount({
    clock: options.clock,
    region: options.region ?? DEFAULT_REGION,
    idSeed: seed,
    eventPageSize: Math.max(1, pageSize.events ?? 100),
    changeSetPageSize: Math.max(1, pageSize.changes ?? 100),
    script: (name) => ownValue(scenario.stacks, name),
  });
  if (options.state !== undefined) importState(account, parseState(options.state, options.stateSource));
  account.advance();
  for (const [name, { region }] of Object.entries({ ...scenario.buckets, ...options.buckets }))
    account.s3.createBucket(name, region);
  for (const [name, p] of Object.entries(scenario.ssm ?? {})) {
    const current = account.ssm.get(name);
    if (current?.value !== p.value || current.type !== p.type) account.writeSsm(name, p.value, p.type);
  }
  // Existing stacks are set up only where the account has no such stack yet (a saved state wins).
  for (const [name, existing] of Object.entries(scenario.existing ?? {})) {
    if (!account.findLive(name)) seedExisting(account, name, existing);
  }

  const log: SimCall[] = [];
  const ports = createSimPorts(account, {
    clock: options.clock,
    log,
    latencyMs: options.latencyMs ?? 0,
    throttleRate: scenario.throttle?.rate ?? 0,
    throttleRandom: new Prng(seed ^ 0x9e3779b9),
    persist: options.persist,
    ...(scenario.drift ? { drift: scenario.drift } : {}),
  });
  return {
    ports,
    exportState: () => exportState(account),
    exportStateText: () => exportStateText(account),
    stats: () => summarize(log, account.operations, account.changeSetRecords),
    inspect: {
      stack: (ref) => {
        account.advance();
        const stack = account.find(ref);
        return stack && account.describe(stack);
      },
      events: (ref) => {
        account.advance();
        const stack = account.find(ref);
        if (!stack) return [];
        const all: StackEvent[] = [];
        let token: string | undefined;
        do {
          const page = account.describeStackEvents(ref, token);
          all.push(...page.events);
          token = page.nextToken;
        } while (token !== undefined);
        return all;
      },
      changeSets: () => {
        account.advance();
        return [...account.changeSets.values()].map((c) => ({
          id: c.id,
          name: c.name,
          stackName: c.stackName,
          ...changeSetStatus(account, c),
        }));
      },
      exports: () => {
        account.advance();
        return [...account.exports.values()].map((e) => ({ ...e }));
      },
      ssmParameter: (name) => {
        account.advance();
        return account.getParameter(name);
      },
      putSsmParameter: (name, value, type = 'String') => account.writeSsm(name, value, type),
      buckets: () =>
        [...account.s3.buckets].map(([name, b]) => ({ name, region: b.region, keys: [...b.objects.keys()].sort() })),
      s3Object: (bucket, key) => {
        const object = account.s3.object(bucket, key);
        return object && { ...object };
      },
      createBucket: (name, region = account.region) => account.s3.createBucket(name, region),
      putS3Object: (bucket, key, body, contentType) =>
        account.s3.put(bucket, key, typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType),
      s3Calls: () => account.s3.calls.map((c) => ({ ...c })),
    },
  };
}

/**
 * A stack that was there before the run: deployed (CREATE_COMPLETE), a first create that failed
 * (ROLLBACK_COMPLETE), or deployed and now being updated by someone else (UPDATE_IN_PROGRESS,
 * ending `updateSeconds` after the simulator starts). Its history is laid out in the past.
 */
function seedExisting(account: SimAccount, stackName: string, existing: ExistingStack): void {
  const templateBody = existing.templateBody ?? PLACEHOLDER_TEMPLATE;
  const read = account.template(templateBody);
  if (!read.ok)
    throw new ConfigError(`simulator: the template of existing stack ${stackName} is not valid: ${read.message}`);
  const template = read.template;
  // Parameters the caller did not give get their default, else a stand-in: the next deploy then sees a change.
  const given = new Map((existing.parameters ?? []).map((p) => [p.key, p.value]));
  const parameters = template.parameters.map((p) => ({
    key: p.name,
    value: given.get(p.name) ?? p.default ?? 'existing',
  }));
  const resolved = Object.fromEntries(
    parameters.map((p) => {
      const ssm = template.parameters.find((d) => d.name === p.key)?.ssm === true;
      return [p.key, ssm ? (account.ssm.get(p.value)?.value ?? p.value) : p.value];
    }),
  );
  const script = account.script(stackName);
  const createMs = (script?.createSeconds ?? defaultCreateSeconds(template.resources.length)) * 1000;
  const now = account.now();
  const t0 = now - 2 * createMs - 60_000;
  const stack = account.newStack(stackName, t0);
  const source = { templateBody, parameters, resolved, tags: { ...existing.tags }, capabilities: [] };
  if (existing.status === 'ROLLBACK_COMPLETE') {
    const scripted =
      script?.fail && template.resources.some((r) => r.logicalId === script.fail?.logicalId) ? script.fail : undefined;
    const first = template.resources[0]?.logicalId ?? 'Placeholder';
    startCreate(account, stack, source, t0, undefined, {
      failure: scripted ?? {
        logicalId: first,
        reason:
          'Resource handler returned message: "Simulated failure of an earlier deploy" (HandlerErrorCode: GeneralServiceException)',
      },
    });
    return;
  }
  startCreate(account, stack, source, t0, undefined, {});
  if (existing.status === 'UPDATE_IN_PROGRESS') {
    const updateMs = (script?.updateSeconds ?? defaultUpdateSeconds(template.resources.length)) * 1000;
    startForeignUpdate(account, stack, Math.round(updateMs));
  }
}
