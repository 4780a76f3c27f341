/**
 * The simulated account saved between runs (`--simulate-state`): live stacks with what they
 * deployed, their recent events and any operation still running, live change sets, exports, SSM
 * parameters, S3 buckets and objects, the id sequence and the virtual time.
 *
 * S3 objects are saved as key, size and SHA-256, plus their text when they may be templates (valid
 * UTF-8 up to 1 MB): TemplateURL reads need the body, a zip's bytes are never read back. `buckets`
 * is optional, so state files written before it still load (same STATE_VERSION).
 *
 * NoEcho parameter values are saved as salted hashes (secret-hash.ts); files written before that
 * hold them in plain text, still load, and are hashed at the next save.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { SimAccount } from './account.js';
import type { Deployment, SimChangeSet, SimRefactor, SimStack } from './model.js';
import type { Parameter } from '../aws/ports.js';
import { hashSecret } from './secret-hash.js';

export const STATE_VERSION = 1;
/** Events kept per stack: enough for a person to read the last operations, not a growing file. */
const KEPT_EVENTS = 100;

const parameter = z.object({ key: z.string(), value: z.string() });
const record = z.record(z.string(), z.string());
const output = z.object({
  key: z.string(),
  value: z.string(),
  exportName: z.string().optional(),
  description: z.string().optional(),
});
const resource = z.object({
  type: z.string(),
  physicalId: z.string(),
  generation: z.number().int(),
  deletionPolicy: z.string(),
  updateReplacePolicy: z.string(),
  dependsOn: z.array(z.string()),
});
const deployment = z.object({
  templateBody: z.string(),
  parameters: z.array(parameter),
  resolved: record,
  tags: record,
  capabilities: z.array(z.string()),
  outputs: z.array(output),
  resources: z.record(z.string(), resource),
  imports: z.array(z.string()),
  ssm: z.array(z.object({ name: z.string(), value: z.string(), type: z.string(), retain: z.boolean() })),
});
const event = z.object({
  at: z.number(),
  eventId: z.string(),
  logicalId: z.string(),
  physicalId: z.string().optional(),
  resourceType: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  token: z.string().optional(),
  root: z.boolean(),
});
const workItem = z.object({
  logicalId: z.string(),
  type: z.string(),
  action: z.enum(['create', 'update', 'replace']),
  start: z.number(),
  initiated: z.number(),
  end: z.number(),
  physicalId: z.string(),
  oldPhysicalId: z.string().optional(),
  dependsOn: z.array(z.string()),
  deletionPolicy: z.string(),
});
const operation = z.object({
  kind: z.enum(['create', 'update', 'delete', 'foreign-update']),
  token: z.string().optional(),
  changeSetId: z.string().optional(),
  startedAt: z.number(),
  endsAt: z.number(),
  outcome: z.enum(['success', 'rollback', 'deleted', 'delete-refused', 'delete-failed']),
  deletedResources: z.array(z.string()).optional(),
  finalStatus: z.string(),
  next: deployment.optional(),
  work: z.array(workItem),
});
const stack = z.object({
  stackId: z.string(),
  stackName: z.string(),
  createdAt: z.number(),
  lastUpdatedAt: z.number().optional(),
  deletedAt: z.number().optional(),
  status: z.string(),
  statusReason: z.string().optional(),
  terminationProtection: z.boolean(),
  generation: z.number().int(),
  deployed: deployment.optional(),
  attempted: z.object({ templateBody: z.string(), parameters: z.array(parameter), tags: record }).optional(),
  events: z.array(event),
  applied: z.number().int().nonnegative(),
  op: operation.optional(),
});
const detail = z.object({
  attribute: z.string().optional(),
  name: z.string().optional(),
  requiresRecreation: z.string().optional(),
  changeSource: z.string().optional(),
  causingEntity: z.string().optional(),
  evaluation: z.string().optional(),
});
const change = z.object({
  action: z.enum(['Add', 'Modify', 'Remove', 'Import', 'Dynamic']),
  logicalId: z.string(),
  physicalId: z.string().optional(),
  resourceType: z.string(),
  replacement: z.string().optional(),
  scope: z.array(z.string()),
  details: z.array(detail),
});
const changeSet = z.object({
  id: z.string(),
  name: z.string(),
  stackId: z.string(),
  stackName: z.string(),
  type: z.enum(['CREATE', 'UPDATE']),
  clientToken: z.string(),
  createdAt: z.number(),
  readyAt: z.number(),
  generation: z.number().int(),
  templateBody: z.string(),
  givenParameters: z.array(parameter),
  parameters: z.array(parameter),
  resolved: record,
  tags: record,
  capabilities: z.array(z.string()),
  description: z.string().optional(),
  final: z.object({ status: z.enum(['CREATE_COMPLETE', 'FAILED']), reason: z.string().optional() }),
  changes: z.array(change),
  execution: z.enum(['EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE', 'EXECUTE_FAILED']).optional(),
});

const s3Object = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string().optional(),
  text: z.string().optional(),
});
const bucket = z.object({ name: z.string().min(1), region: z.string().min(1), objects: z.array(s3Object) });

const location = z.object({ stackName: z.string(), logicalId: z.string() });
const refactor = z.object({
  id: z.string(),
  description: z.string().optional(),
  createdAt: z.number(),
  readyAt: z.number(),
  failure: z.string().optional(),
  stacks: z.array(
    z.object({
      stackName: z.string(),
      templateBody: z.string(),
      stackId: z.string().optional(),
      generation: z.number().int(),
      created: z.boolean(),
    }),
  ),
  moves: z.array(
    z.object({
      from: location,
      to: location,
      type: z.string(),
      physicalId: z.string(),
      detection: z.enum(['AUTO', 'MANUAL']),
    }),
  ),
  execution: z
    .object({
      startedAt: z.number(),
      endsAt: z.number(),
      failure: z.string().optional(),
      rolledBackAt: z.number(),
      applied: z.boolean(),
    })
    .optional(),
});

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  time: z.number(),
  idState: z.number().int(),
  stacks: z.array(stack),
  changeSets: z.array(changeSet),
  exports: z.array(z.object({ name: z.string(), value: z.string(), stackId: z.string(), stackName: z.string() })),
  ssm: z.array(z.object({ name: z.string(), type: z.string(), value: z.string(), version: z.number().int() })),
  buckets: z.array(bucket).optional(),
  /** Stack refactors not yet executed to their end (optional: older files have none). */
  refactors: z.array(refactor).optional(),
});

export type SimState = z.infer<typeof stateSchema>;

/** A JSON-ready copy of the account. Deleted stacks and finished change sets are left out. */
export function exportState(account: SimAccount): SimState {
  // JSON has no `undefined`: a round trip through a file drops those keys, which the schema allows.
  return JSON.parse(exportStateText(account)) as SimState;
}

/**
 * The same as JSON text, made without copying the account first: saved after every change a run
 * makes, so its cost is one `JSON.stringify` of the account (a 300-stack account: ~1 MB, a few ms).
 */
export function exportStateText(account: SimAccount): string {
  account.advance();
  const stacks = account.stacks
    .filter((s) => s.status !== 'DELETE_COMPLETE')
    .map((s) => {
      const drop = Math.max(0, s.applied - KEPT_EVENTS);
      // Shallow copies share the account's objects: nothing here may be changed in place.
      return {
        ...s,
        events: drop === 0 ? s.events : s.events.slice(drop),
        applied: s.applied - drop,
        deployed: s.deployed && hashedDeployment(account, s.deployed),
        op: s.op && { ...s.op, next: s.op.next && hashedDeployment(account, s.op.next) },
        attempted: s.attempted && {
          ...s.attempted,
          parameters: hashedParameters(noEchoNames(account, s.attempted.templateBody), s.attempted.parameters),
        },
      };
    });
  const kept = new Set(stacks.map((s) => s.stackId));
  const changeSets = [...account.changeSets.values()]
    .filter((c) => kept.has(c.stackId) && (c.execution === undefined || c.execution === 'EXECUTE_IN_PROGRESS'))
    .map((c) => {
      const secret = noEchoNames(account, c.templateBody);
      if (secret.size === 0) return c;
      return {
        ...c,
        givenParameters: hashedParameters(secret, c.givenParameters),
        parameters: hashedParameters(secret, c.parameters),
        resolved: hashedRecord(secret, c.resolved),
      };
    });
  return JSON.stringify({
    version: STATE_VERSION,
    time: account.now(),
    idState: account.ids.current,
    stacks,
    changeSets,
    exports: [...account.exports.values()],
    ssm: [...account.ssm.values()],
    buckets: [...account.s3.buckets].map(([name, b]) => ({
      name,
      region: b.region,
      objects: [...b.objects].map(([key, o]) => ({ key, ...o })),
    })),
    // An execution saved before its end still ends (and moves its resources) after a reload.
    refactors: [...account.refactors.values()].filter((r) => r.execution?.applied !== true),
  });
}

/*
 * NoEcho values are saved as salted hashes. A change set saved this way and executed after a
 * reload computes outputs that refer to such a parameter from the hash: the one thing a saved
 * account cannot give back.
 */

function noEchoNames(account: SimAccount, templateBody: string): ReadonlySet<string> {
  const read = account.template(templateBody);
  return read.ok ? new Set(read.template.parameters.filter((p) => p.noEcho).map((p) => p.name)) : new Set();
}

function hashedDeployment(account: SimAccount, d: Deployment): Deployment {
  const secret = noEchoNames(account, d.templateBody);
  if (secret.size === 0) return d;
  return { ...d, parameters: hashedParameters(secret, d.parameters), resolved: hashedRecord(secret, d.resolved) };
}

function hashedParameters(secret: ReadonlySet<string>, list: readonly Parameter[]): Parameter[] {
  return list.map((p) => (secret.has(p.key) ? { ...p, value: hashSecret(p.value) } : p));
}

function hashedRecord(secret: ReadonlySet<string>, record: Readonly<Record<string, string>>): Record<string, string> {
  const copy = { ...record };
  for (const name of secret) {
    const value = Object.hasOwn(copy, name) ? copy[name] : undefined;
    if (value !== undefined) copy[name] = hashSecret(value);
  }
  return copy;
}

/** Checks saved state; `source` names it in errors (the state file's path). */
export function parseState(value: unknown, source = 'simulator state'): SimState {
  const parsed = stateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems: Problem[] = parsed.error.issues.slice(0, 20).map((issue) => ({
    message: issue.message,
    path: issue.path.map(String).join('.') || '(root)',
    location: { file: source },
  }));
  throw new ValidationError('SIM_STATE', `${source} is not a simulator state this version can read`, problems, {
    hint: 'delete the state file to start from an empty simulated account',
  });
}

/** Installs saved state into an empty account. */
export function importState(account: SimAccount, state: SimState): void {
  for (const s of state.stacks) account.adopt(s as SimStack);
  for (const c of state.changeSets) account.changeSets.set(c.id, c as SimChangeSet);
  for (const e of state.exports) account.exports.set(e.name, { ...e });
  for (const p of state.ssm) account.ssm.set(p.name, { ...p });
  for (const b of state.buckets ?? []) {
    account.s3.createBucket(b.name, b.region);
    const objects = account.s3.buckets.get(b.name)?.objects;
    for (const { key, ...object } of b.objects) objects?.set(key, object);
  }
  for (const r of state.refactors ?? []) account.refactors.set(r.id, r as SimRefactor);
  account.restoreIds(state.idState);
}
