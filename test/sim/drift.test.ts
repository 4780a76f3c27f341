/**
 * Drift on the simulator: declared in the scenario, found by DetectStackDrift after a few
 * virtual seconds, listed by DescribeStackResourceDrifts; and the engine's bounded poll of it.
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { CloudFormationPort } from '../../src/aws/ports.js';
import { detectDrift } from '../../src/engine/drift/detect-drift.js';
import { parseScenario, resolveScenario } from '../../src/sim/index.js';
import { ValidationError } from '../../src/errors.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { deploy, setup, template } from './support.js';

const BODY = template({ Table: 'AWS::DynamoDB::Table', Bucket: 'AWS::S3::Bucket' });

function drifted(): ReturnType<typeof setup> {
  return setup({
    scenario: {
      drift: {
        'orders-dev-data': {
          Table: {
            status: 'MODIFIED',
            properties: [{ path: '/BillingMode', expected: 'PAY_PER_REQUEST', actual: 'PROVISIONED' }],
          },
          Bucket: { status: 'DELETED', properties: [] },
          // Not a resource of the stack (declared for a template it no longer has): not found.
          Gone: { status: 'DELETED', properties: [] },
        },
      },
    },
  });
}

describe('simulator drift detection', () => {
  it('finds the declared drift once the detection is complete, and not before', async () => {
    const s = drifted();
    await deploy(s, 'orders-dev-data', BODY);
    await deploy(s, 'orders-dev-other', BODY);
    const id = await s.cf.detectStackDrift('orders-dev-data');
    expect((await s.cf.describeStackDriftDetectionStatus(id)).detectionStatus).toBe('DETECTION_IN_PROGRESS');
    // Before any completed detection, nothing is known to have drifted.
    expect(await s.cf.describeStackResourceDrifts('orders-dev-data')).toEqual([]);
    await s.wait(5_000);
    expect(await s.cf.describeStackDriftDetectionStatus(id)).toEqual({
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: 'DRIFTED',
      detectionStatusReason: undefined,
      driftedResourceCount: 2,
    });
    const drifts = await s.cf.describeStackResourceDrifts('orders-dev-data');
    expect(drifts.map((d) => [d.logicalId, d.resourceType, d.driftStatus])).toEqual([
      ['Table', 'AWS::DynamoDB::Table', 'MODIFIED'],
      ['Bucket', 'AWS::S3::Bucket', 'DELETED'],
    ]);
    expect(drifts[0]?.differences).toEqual([
      {
        propertyPath: '/BillingMode',
        expectedValue: 'PAY_PER_REQUEST',
        actualValue: 'PROVISIONED',
        differenceType: 'NOT_EQUAL',
      },
    ]);
    // A stack without declared drift is in sync.
    const other = await s.cf.detectStackDrift('orders-dev-other');
    await s.wait(5_000);
    expect((await s.cf.describeStackDriftDetectionStatus(other)).stackDriftStatus).toBe('IN_SYNC');
  });

  it('refuses a stack that is busy with an operation, as CloudFormation does', async () => {
    const s = drifted();
    await deploy(s, 'orders-dev-data', BODY);
    await s.cf.deleteStack((await s.cf.describeStack('orders-dev-data'))?.stackId ?? '');
    await expect(s.cf.detectStackDrift('orders-dev-data')).rejects.toThrow(/DELETE_IN_PROGRESS/);
  });

  it('detectDrift polls the detection to its end and returns the drifted resources', async () => {
    const s = drifted();
    await deploy(s, 'orders-dev-data', BODY);
    const result = await detectDrift(s.cf, 'orders-dev-data', { clock: s.clock });
    expect(result.status).toBe('DRIFTED');
    expect(result.resources.map((r) => r.logicalId)).toEqual(['Table', 'Bucket']);
  });

  it('detectDrift gives up after its timeout, saying so, and reports a refusal as FAILED', async () => {
    const clock = new FakeClock();
    const never = {
      detectStackDrift: () => Promise.resolve('d-1'),
      describeStackDriftDetectionStatus: () =>
        Promise.resolve({
          detectionStatus: 'DETECTION_IN_PROGRESS',
          stackDriftStatus: undefined,
          detectionStatusReason: undefined,
          driftedResourceCount: undefined,
        }),
    } as unknown as CloudFormationPort;
    const result = await detectDrift(never, 'x', { clock, timeoutMs: 60_000 });
    expect(result).toEqual({ status: 'FAILED', reason: 'drift detection did not end within 1m00s', resources: [] });
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(70_000);

    const refusing = {
      detectStackDrift: () => Promise.reject(new AwsError('DetectStackDrift', 'AccessDenied', 'not authorized', 403)),
    } as unknown as CloudFormationPort;
    expect((await detectDrift(refusing, 'x', { clock })).status).toBe('FAILED');
  });
});

describe('scenario drift', () => {
  it('maps stack ids to names and refuses a resource the template does not have', () => {
    const file = parseScenario(
      JSON.stringify({ drift: { data: { Tabel: { properties: [{ path: '/BillingMode', actual: 'PROVISIONED' }] } } } }),
      'sc.json',
    );
    const stacks = new Map([['data', { stackName: 'orders-dev-data', logicalIds: ['Table', 'Bucket'] }]]);
    expect(() => resolveScenario(file, stacks, 'sc.json')).toThrow(ValidationError);
    try {
      resolveScenario(file, stacks, 'sc.json');
    } catch (error) {
      expect((error as ValidationError).problems).toEqual([
        expect.objectContaining({
          path: 'drift.data.Tabel',
          message: 'stack "data" is to drift resource "Tabel", which its template does not have',
          hint: "the template's resources are: Table, Bucket",
        }),
      ]);
    }
    const ok = parseScenario(JSON.stringify({ drift: { data: { Table: {} } } }), 'sc.json');
    expect(resolveScenario(ok, stacks, 'sc.json').drift).toEqual({
      'orders-dev-data': { Table: { status: 'MODIFIED', properties: [] } },
    });
  });

  it('refuses a property path that is not a JSON pointer', () => {
    expect(() =>
      parseScenario(
        JSON.stringify({ drift: { data: { Table: { properties: [{ path: 'BillingMode' }] } } } }),
        'sc.json',
      ),
    ).toThrow(ValidationError);
  });
});
