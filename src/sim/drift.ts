/**
 * Drift detection in the simulator (§9 of SIMULATOR.md). Nothing in the simulator changes
 * resources behind CloudFormation's back, so drift is declared: the scenario says which deployed
 * resource of which stack has drifted and how. A detection takes `DRIFT_DETECTION_MS` of
 * virtual time and finds exactly the declared drift of resources the stack has then.
 */
import { AwsError } from '../aws/errors.js';
import type { DriftDetectionStatus, ResourceDrift } from '../aws/ports.js';
import type { SimAccount } from './account.js';

/** What a drift detection of a small stack takes on AWS: seconds. */
export const DRIFT_DETECTION_MS = 5_000;

/** One drifted resource as a scenario declares it. */
export interface SimResourceDrift {
  status: 'MODIFIED' | 'DELETED';
  properties: { path: string; expected?: string; actual?: string }[];
}

/** Stack name → logical id → its drift. */
export type SimDriftDeclarations = Record<string, Record<string, SimResourceDrift>>;

interface Detection {
  stackId: string;
  stackName: string;
  readyAt: number;
  drifts: ResourceDrift[];
}

/**
 * The drift side of an account: declarations from the scenario, detections started, and each
 * stack's last completed detection (what DescribeStackResourceDrifts answers from).
 */
export class SimDrift {
  private readonly detections = new Map<string, Detection>();
  private counter = 0;

  constructor(
    private readonly account: SimAccount,
    private readonly declared: SimDriftDeclarations,
  ) {}

  detect(stackName: string): string {
    const stack = this.account.find(stackName);
    if (!stack || !stack.deployed) throw validation('DetectStackDrift', `Stack with id ${stackName} does not exist`);
    // §1.3: a stack busy with an operation cannot be checked.
    if (stack.status.endsWith('_IN_PROGRESS'))
      throw validation(
        'DetectStackDrift',
        `Drift detection cannot be performed on stack [${stack.stackId}] because it is in ${stack.status} state`,
      );
    const resources = stack.deployed.resources;
    const declared = Object.hasOwn(this.declared, stack.stackName) ? this.declared[stack.stackName] : undefined;
    const drifts: ResourceDrift[] = Object.entries(declared ?? {})
      .filter(([logicalId]) => Object.hasOwn(resources, logicalId))
      .map(([logicalId, d]) => ({
        logicalId,
        physicalId: resources[logicalId]?.physicalId,
        resourceType: resources[logicalId]?.type ?? '',
        driftStatus: d.status,
        differences:
          d.status === 'DELETED'
            ? []
            : d.properties.map((p) => ({
                propertyPath: p.path,
                expectedValue: p.expected,
                actualValue: p.actual,
                differenceType: p.expected === undefined ? 'ADD' : p.actual === undefined ? 'REMOVE' : 'NOT_EQUAL',
              })),
      }));
    this.counter += 1;
    const id = `${this.counter.toString(16).padStart(8, '0')}-drift-${stack.stackName}`;
    this.detections.set(id, {
      stackId: stack.stackId,
      stackName: stack.stackName,
      readyAt: this.account.now() + DRIFT_DETECTION_MS,
      drifts,
    });
    return id;
  }

  status(detectionId: string): DriftDetectionStatus {
    const detection = this.detections.get(detectionId);
    if (!detection)
      throw validation('DescribeStackDriftDetectionStatus', `Drift detection ${detectionId} does not exist`);
    if (this.account.now() < detection.readyAt)
      return {
        detectionStatus: 'DETECTION_IN_PROGRESS',
        stackDriftStatus: undefined,
        detectionStatusReason: undefined,
        driftedResourceCount: undefined,
      };
    return {
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: detection.drifts.length > 0 ? 'DRIFTED' : 'IN_SYNC',
      detectionStatusReason: undefined,
      driftedResourceCount: detection.drifts.length,
    };
  }

  /** As of the stack's last completed detection; none yet: nothing is known to have drifted. */
  resourceDrifts(stackName: string): ResourceDrift[] {
    const stack = this.account.find(stackName);
    if (!stack) throw validation('DescribeStackResourceDrifts', `Stack with id ${stackName} does not exist`);
    const done = [...this.detections.values()].filter(
      (d) => d.stackId === stack.stackId && this.account.now() >= d.readyAt,
    );
    return done.at(-1)?.drifts.map((d) => ({ ...d, differences: d.differences.map((p) => ({ ...p })) })) ?? [];
  }
}

function validation(operation: string, message: string): AwsError {
  return new AwsError(operation, 'ValidationError', message, 400);
}
