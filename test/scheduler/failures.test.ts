/**
 * Failure and skip semantics on the simulator (issue 4, "Failure"): a failed stack skips
 * everything downstream, naming it all the way down; independent branches go on; early change
 * sets of skipped stacks are deleted; `--fail-fast` starts nothing new.
 */
import { describe, expect, it } from 'vitest';
import { makeProject, stackNameOf } from '../engine/support.js';
import { doneOf, eventsOf, executingOf, first, maybeFirst, outcomes, runDone, simDeploy, simWorld } from './support.js';
import type { Recorded, SimWorld } from './support.js';

const exporting = (name: string, resources = 'Topic:\n    Type: AWS::SNS::Topic'): string =>
  `Resources:\n  ${resources}\nOutputs:\n  Value:\n    Value: ${name}-value\n    Export:\n      Name: ${name}\n`;
const importing = (names: string[], extra = ''): string => {
  const tags = names.map((n) => `        - Key: ${n}\n          Value: !ImportValue ${n}\n`).join('');
  return `Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n${tags}${extra}`;
};
const TABLE_FAILS = {
  logicalId: 'Table',
  reason: 'Resource handler returned message: "Table already exists" (HandlerErrorCode: AlreadyExists)',
};

/** No change set of this run left behind: none executable, and no REVIEW_IN_PROGRESS stack. */
function expectNothingLeftBehind(world: SimWorld, ids: string[]): void {
  const left = world.sim.inspect.changeSets().filter((c) => c.executionStatus === 'AVAILABLE');
  expect(left).toEqual([]);
  for (const id of ids) expect(world.sim.inspect.stack(stackNameOf(id))).toBeUndefined();
}

function afterIndex(log: readonly Recorded[], index: number, types: string[]): Recorded[] {
  return log.filter((r) => r.index > index && types.includes(r.event.type));
}

describe('a failed stack and what depends on it', () => {
  /**
   *   core ─import→ data (fails: Table) ─output()→ app ─import→ web
   *                   └──────dependsOn──→ backup
   *   other (independent, slow)
   */
  async function system() {
    const { project } = await makeProject({
      core: { template: exporting('demo-core') },
      data: {
        template: `Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      Tags:\n        - Key: core\n          Value: !ImportValue demo-core\n  Bucket:\n    Type: AWS::S3::Bucket\nOutputs:\n  BucketName:\n    Value: !Ref Bucket\n`,
      },
      app: {
        template: `Parameters:\n  BucketName:\n    Type: String\n${exporting('demo-app', 'Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Ref BucketName')}`,
        parameters: { BucketName: { output: { stack: 'data', name: 'BucketName' } } },
      },
      web: { template: importing(['demo-app']) },
      backup: { template: 'Resources:\n  Vault:\n    Type: AWS::Backup::BackupVault\n', dependsOn: ['data'] },
      other: { template: exporting('demo-other') },
    });
    return project;
  }

  it('fails it with the root cause, skips everything downstream naming it, deploys the independent branch, exit 1', async () => {
    const project = await system();
    expect(project.graph.edges.map((e) => `${e.stack}<-${e.dependsOn}:${e.via}`).sort()).toEqual([
      'app<-data:output',
      'backup<-data:declared',
      'data<-core:import',
      'web<-app:import',
    ]);
    const world = simWorld(project, {
      file: { stacks: { data: { createSeconds: 120, fail: TABLE_FAILS }, other: { createSeconds: 400 } } },
    });

    const { result, log } = await simDeploy(world);

    expect(outcomes(result)).toEqual({
      core: 'created',
      data: 'failed',
      app: 'skipped',
      web: 'skipped',
      backup: 'skipped',
      other: 'created',
    });
    const data = doneOf(log, 'data').event;
    expect(data.stackStatus).toBe('ROLLBACK_COMPLETE');
    expect(data.rootCause).toMatchObject({
      logicalId: 'Table',
      resourceType: 'AWS::DynamoDB::Table',
      status: 'CREATE_FAILED',
      reason: TABLE_FAILS.reason,
    });
    expect(data.reason).toContain(`Table (AWS::DynamoDB::Table) CREATE_FAILED: ${TABLE_FAILS.reason}`);
    // Downstream, each skip names the stack it waited on, and why that one did not deploy.
    expect(doneOf(log, 'app').event.reason).toBe('data failed');
    expect(doneOf(log, 'backup').event.reason).toBe('data failed');
    expect(doneOf(log, 'web').event.reason).toBe('app skipped (data failed)');
    // The skipped stacks never ran; the independent branch went on after the failure.
    for (const id of ['app', 'web', 'backup']) expect(maybeFirst(log, 'stack:executing', id)).toBeUndefined();
    expect(maybeFirst(log, 'stack:start', 'app')).toBeUndefined();
    expect(doneOf(log, 'other').index).toBeGreaterThan(doneOf(log, 'data').index);
    // Exit 1 and the summary counts.
    expect(result.exitCode).toBe(1);
    expect(runDone(log)).toMatchObject({
      exitCode: 1,
      summary: { created: 2, updated: 0, unchanged: 0, failed: 1, skipped: 3, blocked: 0 },
    });
  });

  it('deletes the early change sets of skipped stacks and the REVIEW_IN_PROGRESS stacks they made', async () => {
    const project = await system();
    const world = simWorld(project, {
      file: { stacks: { data: { createSeconds: 120, fail: TABLE_FAILS }, other: { createSeconds: 400 } } },
    });

    const { log } = await simDeploy(world);

    // backup (dependsOn) and web (import) made their change sets while data still deployed ...
    for (const id of ['backup', 'web']) {
      const ready = first(log, 'stack:changeset', id, (e) => e.phase === 'ready');
      expect(ready.event.changeSetType).toBe('CREATE');
      expect(ready.index).toBeLessThan(doneOf(log, 'data').index);
    }
    // ... and nothing of them is left: no executable change set, no REVIEW_IN_PROGRESS stack.
    expectNothingLeftBehind(world, ['backup', 'web', 'app']);
    const deleted = world.sim
      .stats()
      .calls.filter((c) => c.operation === 'DeleteChangeSet' && !c.throttled)
      .map((c) => c.stackName);
    expect(deleted.sort()).toEqual([stackNameOf('backup'), stackNameOf('web')]);
    // The deletions happened before the run said it was done.
    const deletedAt = Math.max(
      ...world.sim
        .stats()
        .calls.filter((c) => c.operation === 'DeleteStack')
        .map((c) => c.at),
    );
    expect(deletedAt).toBeLessThanOrEqual(eventsOf(log, 'run:done')[0]?.at ?? 0);
  });
});

describe('--fail-fast (policy { failFast: true })', () => {
  /**
   * Declaration order, no priorities, three slots:
   *   slow (600 s)                       wide (600 s)         rest (20 s)
   *   gate (30 s) ─dependsOn→ bad (fails after 60 s)
   *               └─import──→ late       (bad and late make their change sets early, then wait for gate;
   *                                       late's execution then queues behind busy slots)
   *   slow ─output()→ after              (waits for slow's outputs: not started when bad fails)
   */
  async function system() {
    const { project } = await makeProject({
      slow: { template: `${exporting('demo-slow')}  Arn:\n    Value: !Ref Topic\n` },
      gate: { template: exporting('demo-gate') },
      bad: { template: `Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n`, dependsOn: ['gate'] },
      late: { template: importing(['demo-gate']) },
      wide: { template: exporting('demo-wide') },
      rest: { template: exporting('demo-rest') },
      after: {
        template: 'Parameters:\n  Arn:\n    Type: String\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n',
        parameters: { Arn: { output: { stack: 'slow', name: 'Arn' } } },
      },
    });
    return project;
  }
  const scripts = {
    slow: { createSeconds: 600 },
    gate: { createSeconds: 30 },
    bad: { createSeconds: 60, fail: TABLE_FAILS },
    late: { createSeconds: 20 },
    wide: { createSeconds: 600 },
    rest: { createSeconds: 20 },
    after: { createSeconds: 20 },
  };

  it('starts nothing after the failure, lets executing stacks finish, and skips the rest naming fail-fast', async () => {
    const world = simWorld(await system(), { file: { stacks: scripts } });

    const { result, log } = await simDeploy(world, { policy: { failFast: true, concurrency: 3, prioritize: false } });

    const failed = doneOf(log, 'bad');
    expect(failed.event.status).toBe('failed');
    // Nothing new after it: no stack started, no change set executed.
    expect(
      afterIndex(log, failed.index, ['stack:start', 'stack:executing']).map(
        (r) => `${r.event.type} ${'stack' in r.event ? r.event.stack : ''}`,
      ),
    ).toEqual([]);
    // Stacks executing when it failed finished.
    for (const id of ['slow', 'wide']) {
      expect(executingOf(log, id).index).toBeLessThan(failed.index);
      expect(doneOf(log, id).index).toBeGreaterThan(failed.index);
      expect(doneOf(log, id).event.status).toBe('created');
    }
    // The rest are skipped, saying fail-fast stopped them: one parked or queued with a ready change
    // set (late), one still waiting for data (after).
    expect(first(log, 'stack:changeset', 'late', (e) => e.phase === 'ready').index).toBeLessThan(failed.index);
    expect(maybeFirst(log, 'stack:start', 'after')).toBeUndefined();
    for (const id of ['late', 'after']) {
      const done = doneOf(log, id).event;
      expect(done.status).toBe('skipped');
      expect(done.reason).toMatch(/fail-fast/);
      expect(done.reason).toContain('bad failed');
    }
    expect(outcomes(result)).toEqual({
      slow: 'created',
      gate: 'created',
      bad: 'failed',
      late: 'skipped',
      wide: 'created',
      rest: 'created',
      after: 'skipped',
    });
    expect(result.exitCode).toBe(1);
    expectNothingLeftBehind(world, ['late', 'after']);
  });

  it('without it, the same failure leaves every independent stack to deploy', async () => {
    const world = simWorld(await system(), { file: { stacks: scripts } });

    const { result } = await simDeploy(world, { policy: { concurrency: 3, prioritize: false } });

    expect(outcomes(result)).toEqual({
      slow: 'created',
      gate: 'created',
      bad: 'failed',
      late: 'created',
      wide: 'created',
      rest: 'created',
      after: 'created',
    });
    expect(result.exitCode).toBe(1);
  });
});

describe('skip reasons along a long chain (issue 11, item 9)', () => {
  it('a 300-stack chain names the failed root once per stack: bounded lines, not a nested story', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const { project } = await makeProject(
      Object.fromEntries(
        ids.map((id, i) => [
          id,
          {
            template: 'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n',
            ...(i === 0 ? {} : { dependsOn: [`s${i - 1}`] }),
          },
        ]),
      ),
    );
    const world = simWorld(project, { file: { stacks: { s0: { fail: TABLE_FAILS } } } });

    const { result, log } = await simDeploy(world);

    expect(outcomes(result).s0).toBe('failed');
    expect(doneOf(log, 's1').event.reason).toBe('s0 failed');
    expect(doneOf(log, 's2').event.reason).toBe('s1 skipped (s0 failed)');
    expect(doneOf(log, 's299').event.reason).toBe('s298 skipped (s0 failed)');
    const skipped = eventsOf(log, 'stack:done').filter((r) => r.event.status === 'skipped');
    expect(skipped).toHaveLength(299);
    // Before: the last reason held every stack above it (thousands of characters).
    expect(Math.max(...skipped.map((r) => r.event.reason?.length ?? 0))).toBeLessThanOrEqual(30);
    expect(result.exitCode).toBe(1);
  });
});
