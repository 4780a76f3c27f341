/**
 * The real engine (`deployRun`) against the simulator: proves the ports fit, in virtual time.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { resilientPorts } from '../../src/aws/resilient-ports.js';
import { deployRun } from '../../src/engine/deploy/deploy-run.js';
import type { DeployRunResult } from '../../src/engine/deploy/deploy-run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Project } from '../../src/graph/load-project.js';
import { createSimulator, createVirtualClock, stateTime } from '../../src/sim/index.js';
import type { SimScenario, Simulator, VirtualClock } from '../../src/sim/index.js';
import { approveAll, makeProject, stackNameOf } from '../engine/support.js';

const NETWORK = `Parameters:
  Stage:
    Type: String
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
Outputs:
  SubnetId:
    Value: !Ref Subnet
    Export:
      Name: !Sub '\${Stage}-SubnetId'
`;

const DATA = `Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      Tags:
        - Key: subnet
          Value: !ImportValue dev-SubnetId
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  BucketName:
    Value: !Ref Bucket
  TableName:
    Value: !Ref Table
    Export:
      Name: dev-TableName
`;

const APP = `Parameters:
  BucketName:
    Type: String
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          TABLE: !ImportValue dev-TableName
          BUCKET: !Ref BucketName
Outputs:
  Bucket:
    Value: !Ref BucketName
`;

async function chain(): Promise<Project> {
  const { project } = await makeProject({
    network: { template: NETWORK, parameters: { Stage: 'dev' } },
    data: { template: DATA },
    app: { template: APP, parameters: { BucketName: { output: { stack: 'data', name: 'BucketName' } } } },
  });
  return project;
}

interface Run {
  result: DeployRunResult;
  events: EngineEvent[];
}

let runs = 0;
async function run(project: Project, sim: Simulator, clock: VirtualClock): Promise<Run> {
  const events: EngineEvent[] = [];
  const limiter = new RateLimiter({ ratePerSecond: 5, burst: 5, clock });
  runs += 1;
  const result = await deployRun({
    project,
    stacks: ['network', 'data', 'app'],
    ports: resilientPorts(sim.ports, { limiter, clock }),
    clock,
    emit: (e) => events.push(e),
    approve: approveAll,
    runId: `sim${runs}`,
  });
  return { result, events };
}

function world(scenario: SimScenario = {}): { sim: Simulator; clock: VirtualClock } {
  const clock = createVirtualClock();
  return { clock, sim: createSimulator({ clock, scenario }) };
}

function outcomes(result: DeployRunResult): Record<string, string> {
  return Object.fromEntries([...result.results].map(([id, r]) => [id, r.status]));
}

describe('deployRun on the simulator', () => {
  it('deploys a three-stack chain in dependency order, then finds it unchanged', async () => {
    const project = await chain();
    const { sim, clock } = world();
    const first = await run(project, sim, clock);
    expect(first.result.exitCode).toBe(0);
    expect(outcomes(first.result)).toEqual({ network: 'created', data: 'created', app: 'created' });
    expect(first.result.results.get('app')?.outputs?.Bucket).toMatch(/^demo-dev-data-bucket-[a-z0-9]{12}$/);

    // CloudFormation started each stack's create only after the one before it finished.
    const ops = sim.stats().operations;
    const op = (id: string) => ops.find((o) => o.stackName === stackNameOf(id));
    expect(op('data')?.startedAt).toBeGreaterThanOrEqual(op('network')?.finishedAt ?? Infinity);
    expect(op('app')?.startedAt).toBeGreaterThanOrEqual(op('data')?.finishedAt ?? Infinity);
    // The engine noticed each stack finishing within seconds (virtual), not minutes.
    const done = first.events.filter((e): e is Extract<EngineEvent, { type: 'stack:done' }> => e.type === 'stack:done');
    expect(done.map((e) => e.stack)).toEqual(['network', 'data', 'app']);
    const runDone = first.events.find((e) => e.type === 'run:done');
    expect(runDone).toBeDefined();
    expect(clock.now() - (op('app')?.finishedAt ?? 0)).toBeLessThan(15_000);

    const second = await run(project, sim, clock);
    expect(second.result.exitCode).toBe(0);
    expect(outcomes(second.result)).toEqual({ network: 'unchanged', data: 'unchanged', app: 'unchanged' });
    // Nothing was left behind: no change sets, no REVIEW stacks.
    expect(sim.inspect.changeSets().filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE')).toEqual([]);
  });

  it('finds everything unchanged in a new run on the saved account (--simulate-state)', async () => {
    const project = await chain();
    const { sim, clock } = world();
    expect((await run(project, sim, clock)).result.exitCode).toBe(0);
    const saved = JSON.parse(JSON.stringify(sim.exportState())) as { time: number };
    const nextClock = createVirtualClock(stateTime(saved));
    const next = createSimulator({ clock: nextClock, state: saved });
    const { result } = await run(project, next, nextClock);
    expect(outcomes(result)).toEqual({ network: 'unchanged', data: 'unchanged', app: 'unchanged' });
    expect(next.stats().callsByOperation.CreateChangeSet).toBeUndefined();
  });

  it("waits for someone else's update and replaces a failed first create", async () => {
    const project = await chain();
    const { sim, clock } = world({
      stacks: { [stackNameOf('network')]: { updateSeconds: 90 } },
      existing: {
        [stackNameOf('network')]: {
          status: 'UPDATE_IN_PROGRESS',
          templateBody: NETWORK,
          parameters: [{ key: 'Stage', value: 'dev' }],
        },
        [stackNameOf('data')]: { status: 'ROLLBACK_COMPLETE' },
      },
    });
    const start = clock.now();
    const events: EngineEvent[] = [];
    const limiter = new RateLimiter({ ratePerSecond: 5, burst: 5, clock });
    const result = await deployRun({
      project,
      stacks: ['network', 'data', 'app'],
      ports: resilientPorts(sim.ports, { limiter, clock }),
      clock,
      emit: (e) => events.push(e),
      approve: approveAll,
      runId: 'existing',
      replaceFailed: true,
    });
    expect(outcomes(result)).toEqual({ network: 'unchanged', data: 'created', app: 'created' });
    expect(events.some((e) => e.type === 'stack:settling' && e.stack === 'network')).toBe(true);
    expect(events.some((e) => e.type === 'stack:replacing-failed' && e.stack === 'data')).toBe(true);
    const dataCreate = sim
      .stats()
      .operations.find((o) => o.stackName === stackNameOf('data') && o.kind === 'create' && o.startedAt >= start);
    expect(dataCreate?.startedAt).toBeGreaterThanOrEqual(start + 90_000);
  });

  it('rides out 30 % throttling without a failed stack', async () => {
    const project = await chain();
    const { sim, clock } = world({ throttle: { rate: 0.3 } });
    const { result } = await run(project, sim, clock);
    expect(result.exitCode).toBe(0);
    expect(outcomes(result)).toEqual({ network: 'created', data: 'created', app: 'created' });
    expect(sim.stats().throttledCalls).toBeGreaterThan(0);
  });

  it('reports a failed stack with its root cause and skips what depends on it', async () => {
    const project = await chain();
    const { sim, clock } = world({
      stacks: {
        [stackNameOf('data')]: {
          fail: { logicalId: 'Table', reason: 'Resource handler returned message: "Table already exists"' },
        },
      },
    });
    const { result, events } = await run(project, sim, clock);
    expect(result.exitCode).toBe(1);
    expect(outcomes(result)).toEqual({ network: 'created', data: 'failed', app: 'skipped' });
    const data = result.results.get('data');
    expect(data?.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(data?.rootCause).toMatchObject({
      logicalId: 'Table',
      status: 'CREATE_FAILED',
      reason: 'Resource handler returned message: "Table already exists"',
    });
    expect(events.some((e) => e.type === 'stack:resource' && e.reason === 'Resource creation cancelled')).toBe(true);
  });

  it('simulates two hours of 200 stacks in virtual time', async () => {
    const stacks: Record<string, { template: string; dependsOn: string[] }> = {};
    const scripts: SimScenario['stacks'] = {};
    for (let i = 0; i < 200; i += 1) {
      // A binary tree of stacks, 8 levels deep, each 10-16 minutes.
      stacks[`s${i}`] = {
        template: 'Resources:\n  A:\n    Type: AWS::SQS::Queue\n  B:\n    Type: AWS::SNS::Topic\n    DependsOn: A\n',
        dependsOn: i === 0 ? [] : [`s${Math.floor((i - 1) / 2)}`],
      };
      scripts[stackNameOf(`s${i}`)] = { createSeconds: 600 + (i % 7) * 60 };
    }
    const { project } = await makeProject(stacks);
    const { sim, clock } = world({ stacks: scripts, throttle: { rate: 0.1 } });
    const limiter = new RateLimiter({ ratePerSecond: 5, burst: 5, clock });
    const start = clock.now();
    const realStart = performance.now();
    const result = await deployRun({
      project,
      stacks: Object.keys(stacks),
      ports: resilientPorts(sim.ports, { limiter, clock }),
      clock,
      emit: () => undefined,
      approve: approveAll,
      runId: 'big',
      policy: { concurrency: 50 },
    });
    expect(result.exitCode).toBe(0);
    expect([...result.results.values()].every((r) => r.status === 'created')).toBe(true);
    const hours = (clock.now() - start) / 3_600_000;
    expect(hours).toBeGreaterThan(1.5);
    expect(hours).toBeLessThan(2.5);
    console.log(
      `200 stacks: ${hours.toFixed(2)} h virtual in ${(performance.now() - realStart).toFixed(0)} ms real, ${sim.stats().totalCalls} calls`,
    );
  });
});
