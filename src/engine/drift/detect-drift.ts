import { AwsError } from '../../aws/errors.js';
import type { CloudFormationPort, PropertyDifference, ResourceDrift } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import { formatDuration } from '../../format-duration.js';
import { pollUntil } from '../deploy/poll.js';
import type { ResolvedParameters } from '../deploy/resolve-parameters.js';
import type { TemplateInfo } from '../../template/analyze-template.js';

/**
 * What drift detection found on one stack:
 * - `DRIFTED`: `resources` lists what differs from the template;
 * - `IN_SYNC`: nothing does;
 * - `UNKNOWN`: the detection ran but could not check (CloudFormation's own UNKNOWN or NOT_CHECKED);
 * - `FAILED`: the detection could not be run or failed; `reason` says why.
 */
export interface DriftResult {
  status: 'DRIFTED' | 'IN_SYNC' | 'UNKNOWN' | 'FAILED';
  reason: string | undefined;
  resources: ResourceDrift[];
}

export interface DetectDriftOptions {
  clock: Clock;
  /** How long the detection may take before we stop waiting for it. @default 5 minutes */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Values that must never print (NoEcho parameters, SecureString values). CloudFormation puts
   * the values of template parameters into a drift's expected properties unmasked, so every
   * property value containing one is shown as `****`. `'unknown'`: the stack has such parameters
   * but their values could not be resolved here, so every property value is hidden.
   * @default [] (the stack has no secret parameters)
   */
  secrets?: readonly string[] | 'unknown';
}

export const MASK = '****';

export const DEFAULT_DRIFT_TIMEOUT_MS = 5 * 60_000;

/**
 * DetectStackDrift, then DescribeStackDriftDetectionStatus until the detection ends (bounded by
 * `timeoutMs`, with growing pauses: a detection takes seconds to minutes), then the drifted
 * resources with their property differences (DescribeStackResourceDrifts, all pages).
 * CloudFormation's refusals (a stack busy with an operation, a role without the permissions)
 * are a `FAILED` result with the service's message, not an exception.
 */
export async function detectDrift(
  cf: CloudFormationPort,
  stackName: string,
  options: DetectDriftOptions,
): Promise<DriftResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DRIFT_TIMEOUT_MS;
  try {
    const detectionId = await cf.detectStackDrift(stackName);
    const done = await pollUntil(
      async () => {
        const status = await cf.describeStackDriftDetectionStatus(detectionId);
        return status.detectionStatus === 'DETECTION_IN_PROGRESS' ? undefined : status;
      },
      {
        clock: options.clock,
        ...(options.signal ? { signal: options.signal } : {}),
        initialDelayMs: 1_000,
        maxDelayMs: 10_000,
        timeoutMs,
        delayFirst: true,
      },
    );
    if (!done)
      return {
        status: 'FAILED',
        reason: `drift detection did not end within ${formatDuration(timeoutMs)}`,
        resources: [],
      };
    if (done.detectionStatus === 'DETECTION_FAILED' && done.stackDriftStatus === undefined)
      return { status: 'FAILED', reason: done.detectionStatusReason ?? 'drift detection failed', resources: [] };
    if (done.stackDriftStatus === 'IN_SYNC') return { status: 'IN_SYNC', reason: undefined, resources: [] };
    if (done.stackDriftStatus !== 'DRIFTED')
      return { status: 'UNKNOWN', reason: done.detectionStatusReason, resources: [] };
    return {
      status: 'DRIFTED',
      // DETECTION_FAILED with a drift status: some resources could not be checked; the rest stand.
      reason: done.detectionStatus === 'DETECTION_FAILED' ? done.detectionStatusReason : undefined,
      resources: maskSecrets(await cf.describeStackResourceDrifts(stackName), options.secrets ?? []),
    };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    // An emulator without drift detection answers a bare 500 page, which the SDK cannot parse.
    const reason =
      error.httpStatus !== undefined && error.httpStatus >= 500
        ? `${error.operation} failed with HTTP ${error.httpStatus}: the endpoint may not support drift detection (moto does not)`
        : error.message;
    return { status: 'FAILED', reason, resources: [] };
  }
}

/**
 * What drift output of a stack must hide, given its parameters as deploy resolves them: NoEcho
 * and SecureString values, and the defaults of NoEcho parameters the config does not set. A NoEcho
 * parameter without a value here or a default has a value only CloudFormation knows (an earlier
 * deploy's): then nothing can be shown safely (`'unknown'`).
 */
export function secretsToHide(template: TemplateInfo, resolved: ResolvedParameters): readonly string[] | 'unknown' {
  const given = resolved.parameters.filter((p) => resolved.secretKeys.has(p.key)).map((p) => p.value);
  const unset = template.parameters.filter((p) => p.noEcho && !resolved.parameters.some((q) => q.key === p.name));
  const defaults: string[] = [];
  for (const parameter of unset) {
    if (parameter.default === undefined) return 'unknown';
    defaults.push(parameter.default);
  }
  return [...given, ...defaults];
}

/** The drifted resources with every property value that contains a secret replaced by `****`. */
export function maskSecrets(
  resources: readonly ResourceDrift[],
  secrets: readonly string[] | 'unknown',
): ResourceDrift[] {
  // The longest first, so a secret that contains another is replaced whole.
  const known =
    secrets === 'unknown' ? [] : [...new Set(secrets.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  const mask = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (secrets === 'unknown') return MASK;
    return known.reduce((text, secret) => text.split(secret).join(MASK), value);
  };
  return resources.map((r) => ({
    ...r,
    differences: r.differences.map((d) => ({
      ...d,
      expectedValue: mask(d.expectedValue),
      actualValue: mask(d.actualValue),
    })),
  }));
}

/** One line per drifted resource and one per property, for messages and approval prompts. */
export function describeDrift(resources: readonly ResourceDrift[]): string[] {
  return resources.flatMap((r) => [
    `${r.logicalId} (${r.resourceType}) ${r.driftStatus}`,
    ...r.differences.map((d) => `  ${d.propertyPath}: ${differenceText(d)}`),
  ]);
}

function differenceText(d: PropertyDifference): string {
  if (d.differenceType === 'ADD') return `added ${d.actualValue ?? ''}`;
  if (d.differenceType === 'REMOVE') return `removed (template: ${d.expectedValue ?? ''})`;
  return `template ${d.expectedValue ?? ''}, actual ${d.actualValue ?? ''}`;
}
