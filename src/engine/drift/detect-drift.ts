import { AwsError } from '../../aws/errors.js';
import type { CloudFormationPort, ResourceDrift } from '../../aws/ports.js';
import type { Clock } from '../../clock.js';
import { formatDuration } from '../../format-duration.js';
import { pollUntil } from '../deploy/poll.js';

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
}

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
      resources: await cf.describeStackResourceDrifts(stackName),
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

/** One line per drifted resource and one per property, for messages and approval prompts. */
export function describeDrift(resources: readonly ResourceDrift[]): string[] {
  return resources.flatMap((r) => [
    `${r.logicalId} (${r.resourceType}) ${r.driftStatus}`,
    ...r.differences.map(
      (d) =>
        `  ${d.propertyPath}: ${d.differenceType === 'ADD' ? `added ${d.actualValue ?? ''}` : d.differenceType === 'REMOVE' ? `removed (template: ${d.expectedValue ?? ''})` : `template ${d.expectedValue ?? ''}, actual ${d.actualValue ?? ''}`}`,
    ),
  ]);
}
