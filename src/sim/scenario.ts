/**
 * Simulator scenarios (issue 4 §2): per-stack timings and failures, throttling, stacks that
 * already exist. The file is keyed by stack *id* (as in the config); the simulator works with
 * stack *names*, so `resolveScenario` maps one to the other.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Parameter } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import { parseJsonStrict } from '../config/json-syntax.js';
import { locateInSource } from '../config/locate-in-source.js';
import { escapeProtoKeys, restoreProtoKeys, unescapeKey } from '../config/own-keys.js';
import { didYouMean } from '../config/resolve-config.js';
import { ConfigError, ValidationError } from '../errors.js';
import type { Problem } from '../errors.js';
import { createScaledClock, createVirtualClock } from './clocks.js';
import type { StackScript } from './model.js';
import type { SimDriftDeclarations } from './drift.js';

const seconds = z.number().nonnegative().finite();
const stackScript = z.strictObject({
  changeSetSeconds: seconds.optional(),
  createSeconds: seconds.positive().optional(),
  updateSeconds: seconds.positive().optional(),
  deleteSeconds: seconds.positive().optional(),
  fail: z.strictObject({ logicalId: z.string().min(1), reason: z.string().min(1) }).optional(),
  /** S3 buckets (logical ids) holding objects: DeleteStack fails on them with BucketNotEmpty. */
  nonEmptyBuckets: z.array(z.string().min(1)).optional(),
  /** DeleteStack never finishes (a stuck delete). */
  deleteHangs: z.boolean().optional(),
  /** A stack refactor involving the stack fails and rolls back (ROLLBACK_COMPLETE, nothing moved). */
  refactorFail: z.strictObject({ reason: z.string().min(1) }).optional(),
  /** The stack has a stack policy: a stack refactor involving it is refused. */
  stackPolicy: z.boolean().optional(),
});

/** S3's rule for new buckets: 3-63 characters, lower case, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const TIME_SCALE_RANGE =
  'must be from 0 to 1: real seconds per simulated second (0: virtual time, 1: real time, 0.05: 20 times faster)';

export const EXISTING_STATUSES = ['CREATE_COMPLETE', 'ROLLBACK_COMPLETE', 'UPDATE_IN_PROGRESS'] as const;
export type ExistingStatus = (typeof EXISTING_STATUSES)[number];

export const scenarioSchema = z.strictObject({
  /** Real seconds per simulated second for interactive runs; 0 or absent: pure virtual time. */
  timeScale: z
    .number()
    .min(0, TIME_SCALE_RANGE)
    // Above 1 a simulated run is slower than a real one: 1000 would take hours per stack.
    .max(1, TIME_SCALE_RANGE)
    .optional(),
  /** Seeds every random choice (ids, throttled calls). @default 1 */
  seed: z.number().int().optional(),
  stacks: z.record(z.string(), stackScript).optional(),
  throttle: z
    .strictObject({
      rate: z.number().min(0).lt(1, 'must be below 1: at 1 every call is throttled and nothing can progress'),
    })
    .optional(),
  existing: z.record(z.string(), z.enum(EXISTING_STATUSES)).optional(),
  /** SSM parameters the account holds before the run: name → value, or { value, type }. */
  ssm: z
    .record(
      z.string(),
      z.union([
        z.string(),
        z.strictObject({ value: z.string(), type: z.enum(['String', 'StringList', 'SecureString']) }),
      ]),
    )
    .optional(),
  /**
   * Resources changed outside CloudFormation, found by drift detection: stack id → logical id →
   * MODIFIED (with the properties that differ) or DELETED.
   */
  drift: z
    .record(
      z.string(),
      z.record(
        z.string(),
        z.strictObject({
          status: z.enum(['MODIFIED', 'DELETED']).optional(),
          properties: z
            .array(
              z.strictObject({
                path: z.string().startsWith('/', 'a property path is a JSON pointer, e.g. /BillingMode'),
                expected: z.string().optional(),
                actual: z.string().optional(),
              }),
            )
            .optional(),
        }),
      ),
    )
    .optional(),
  /** S3 buckets the account holds before the run (the artifacts bucket): name → { region }. */
  buckets: z
    .record(z.string().regex(BUCKET_NAME, 'not a valid S3 bucket name'), z.strictObject({ region: z.string().min(1) }))
    .optional(),
});

/** A scenario file as written: keyed by stack id. */
export type ScenarioFile = z.infer<typeof scenarioSchema>;

export interface ExistingStack {
  status: ExistingStatus;
  /** The template it was deployed with; absent: a one-resource placeholder, so the next deploy is an update. */
  templateBody?: string;
  parameters?: Parameter[];
  tags?: Record<string, string>;
}

/** A scenario as the simulator takes it: keyed by stack name. */
export interface SimScenario {
  stacks?: Record<string, StackScript>;
  throttle?: { rate: number };
  existing?: Record<string, ExistingStack>;
  ssm?: Record<string, { value: string; type: string }>;
  /** Buckets that exist before the run: name → region. */
  buckets?: Record<string, { region: string }>;
  /** Declared drift, by stack name. */
  drift?: SimDriftDeclarations;
  seed?: number;
}

export async function loadScenario(file: string, displayPath = file): Promise<ScenarioFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read simulator scenario: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file: displayPath },
      {
        hint: 'check the path given to --simulate=FILE',
        cause: error,
      },
    );
  }
  return parseScenario(text, displayPath);
}

/** Validates a scenario's text, reporting every bad field with its path and line. */
export function parseScenario(text: string, file: string): ScenarioFile {
  const json = parseJsonStrict(text, file);
  if (!json.ok) throw new ConfigError(`simulator scenario is not valid JSON: ${json.message}`, json.location);
  // An SSM parameter named __proto__ is a name like any other (zod would leave it out).
  const parsed = scenarioSchema.safeParse(escapeProtoKeys(json.value));
  if (parsed.success) return restoreProtoKeys(parsed.data);
  const problems: Problem[] = parsed.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...issue.path, ...keys.slice(0, 1)].map(unescapeKey);
    return {
      message:
        keys.length > 0
          ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message,
      path: path.map(String).join('.') || '(root)',
      location: locateInSource(
        text,
        file,
        path.filter((p): p is string | number => typeof p !== 'symbol'),
      ),
      ...(issue.path[0] === 'existing' ? { hint: `an existing stack is one of ${EXISTING_STATUSES.join(', ')}` } : {}),
    };
  });
  // In the order of the file, as a reader goes through it.
  problems.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
  throw new ValidationError('SCENARIO', `invalid simulator scenario ${file}`, problems);
}

export interface ScenarioStackInfo {
  stackName: string;
  /** For `existing: CREATE_COMPLETE` and friends: what the stack was deployed with. */
  templateBody?: string;
  parameters?: Parameter[];
  tags?: Record<string, string>;
  /** The template's resources: a `fail` must name one of them. */
  logicalIds?: readonly string[];
}

/** Maps a scenario's stack ids to stack names; an id the config does not know is an error. */
export function resolveScenario(
  scenario: ScenarioFile,
  stacks: ReadonlyMap<string, ScenarioStackInfo>,
  file = 'scenario',
): SimScenario {
  const problems: Problem[] = [];
  const known = [...stacks.keys()];
  const lookup = (section: string, id: string): ScenarioStackInfo | undefined => {
    const info = stacks.get(id);
    if (!info)
      problems.push({
        message: `unknown stack "${id}"`,
        path: `${section}.${id}`,
        location: { file },
        hint: didYouMean(id, known) ?? `stacks are: ${known.join(', ')}`,
      });
    return info;
  };
  const scripts: Record<string, StackScript> = {};
  for (const [id, script] of Object.entries(scenario.stacks ?? {})) {
    const info = lookup('stacks', id);
    const failing = script.fail?.logicalId;
    if (info && failing !== undefined && info.logicalIds && !info.logicalIds.includes(failing)) {
      // Else the failure would never happen, and the run would prove nothing.
      problems.push({
        message: `stack "${id}" is to fail resource "${failing}", which its template does not have`,
        path: `stacks.${id}.fail.logicalId`,
        location: { file },
        hint:
          didYouMean(failing, info.logicalIds) ??
          `the template's resources are: ${info.logicalIds.join(', ') || 'none'}`,
      });
    }
    for (const [index, bucket] of (script.nonEmptyBuckets ?? []).entries()) {
      if (!info?.logicalIds || info.logicalIds.includes(bucket)) continue;
      problems.push({
        message: `stack "${id}" has no resource "${bucket}" to hold objects`,
        path: `stacks.${id}.nonEmptyBuckets.${index}`,
        location: { file },
        hint:
          didYouMean(bucket, info.logicalIds) ??
          `the template's resources are: ${info.logicalIds.join(', ') || 'none'}`,
      });
    }
    if (info) scripts[info.stackName] = script;
  }
  const existing: Record<string, ExistingStack> = {};
  for (const [id, status] of Object.entries(scenario.existing ?? {})) {
    const info = lookup('existing', id);
    if (!info) continue;
    existing[info.stackName] = {
      status,
      ...(info.templateBody === undefined ? {} : { templateBody: info.templateBody }),
      ...(info.parameters === undefined ? {} : { parameters: info.parameters }),
      ...(info.tags === undefined ? {} : { tags: info.tags }),
    };
  }
  const drift: SimDriftDeclarations = {};
  for (const [id, resources] of Object.entries(scenario.drift ?? {})) {
    const info = lookup('drift', id);
    if (!info) continue;
    const declared: SimDriftDeclarations[string] = {};
    for (const [logicalId, d] of Object.entries(resources)) {
      if (info.logicalIds && !info.logicalIds.includes(logicalId)) {
        // Else no detection would ever find it, and the run would prove nothing.
        problems.push({
          message: `stack "${id}" is to drift resource "${logicalId}", which its template does not have`,
          path: `drift.${id}.${logicalId}`,
          location: { file },
          hint:
            didYouMean(logicalId, info.logicalIds) ??
            `the template's resources are: ${info.logicalIds.join(', ') || 'none'}`,
        });
        continue;
      }
      declared[logicalId] = { status: d.status ?? 'MODIFIED', properties: d.properties ?? [] };
    }
    drift[info.stackName] = declared;
  }
  if (problems.length > 0) throw new ValidationError('SCENARIO', `invalid simulator scenario ${file}`, problems);
  const ssm = Object.fromEntries(
    Object.entries(scenario.ssm ?? {}).map(([name, v]) => [
      name,
      typeof v === 'string' ? { value: v, type: 'String' } : v,
    ]),
  );
  return {
    stacks: scripts,
    existing,
    ssm,
    ...(scenario.buckets === undefined ? {} : { buckets: scenario.buckets }),
    ...(scenario.drift === undefined ? {} : { drift }),
    ...(scenario.throttle === undefined ? {} : { throttle: scenario.throttle }),
    ...(scenario.seed === undefined ? {} : { seed: scenario.seed }),
  };
}

/** The clock a scenario asks for: virtual time paced for a watcher when `timeScale` > 0, else unpaced. */
export function clockForScenario(scenario: Pick<ScenarioFile, 'timeScale'> | undefined, start?: number): Clock {
  const scale = scenario?.timeScale ?? 0;
  return scale > 0 ? createScaledClock(scale, start) : createVirtualClock(start);
}
