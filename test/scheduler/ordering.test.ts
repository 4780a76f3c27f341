/**
 * Ordering on the simulator (issue 4, "The scheduler"): a dependent executes only after its
 * upstream stack is done, whatever tied them; a stack whose inputs come from no changing upstream
 * makes its change set early; a stack starts the moment its last dependency succeeds (a ready
 * queue, not waves).
 */
import { describe, expect, it } from 'vitest';
import type { StackDef } from '../engine/support.js';
import { makeProject, stackNameOf } from '../engine/support.js';
import {
  changeSetCreatingOf,
  doneOf,
  executingOf,
  first,
  maybeFirst,
  outcomes,
  simDeploy,
  simWorld,
} from './support.js';

/** The upstream: a table, its name exported, given as an output and written to SSM by a resource. */
const UP = `Resources:
  Table:
    Type: AWS::DynamoDB::Table
  TableNameParam:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /demo/up/table-name
      Type: String
      Value: !Ref Table
Outputs:
  TableName:
    Value: !Ref Table
    Export:
      Name: demo-up-table-name
`;

const queueTagged = (value: string, parameters = ''): string => `${parameters}Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - Key: table
          Value: ${value}
Outputs:
  Seen:
    Value: ${value}
`;

interface EdgeCase {
  via: string;
  down: StackDef;
  /** Whether the change set may be made while the upstream stack still deploys. */
  early: boolean;
}

const EDGES: EdgeCase[] = [
  { via: 'declared (dependsOn)', early: true, down: { template: queueTagged('plain'), dependsOn: ['up'] } },
  { via: 'Fn::ImportValue', early: true, down: { template: queueTagged('!ImportValue demo-up-table-name') } },
  {
    via: 'output() parameter',
    early: false,
    down: {
      template: queueTagged('!Ref TableName', 'Parameters:\n  TableName:\n    Type: String\n'),
      parameters: { TableName: { output: { stack: 'up', name: 'TableName' } } },
    },
  },
  {
    via: 'SSM: a parameter of type AWS::SSM::Parameter::Value read by CloudFormation',
    early: false,
    down: {
      template: queueTagged(
        '!Ref TableName',
        'Parameters:\n  TableName:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /demo/up/table-name\n',
      ),
    },
  },
  {
    via: 'SSM: an ssm() parameter read by stackpilot',
    early: false,
    down: {
      template: queueTagged('!Ref TableName', 'Parameters:\n  TableName:\n    Type: String\n'),
      parameters: { TableName: { ssm: '/demo/up/table-name' } },
    },
  },
];

describe('ordering under every edge kind', () => {
  it.each(EDGES)(
    "$via: the dependent executes only after the upstream is done, with the upstream's value",
    async ({ via, down, early }) => {
      const { project } = await makeProject({ up: { template: UP }, down });
      const kinds = [...new Set(project.graph.edges.map((e) => e.via))];
      expect(kinds).toEqual([
        via.startsWith('declared')
          ? 'declared'
          : via.startsWith('Fn::')
            ? 'import'
            : via.startsWith('output')
              ? 'output'
              : 'ssm',
      ]);
      const world = simWorld(project, {
        file: {
          stacks: { up: { changeSetSeconds: 5, createSeconds: 120 }, down: { changeSetSeconds: 5, createSeconds: 30 } },
        },
      });

      const { result, log } = await simDeploy(world);

      expect(outcomes(result)).toEqual({ up: 'created', down: 'created' });
      const upDone = doneOf(log, 'up');
      const downExecuting = executingOf(log, 'down');
      expect(downExecuting.index).toBeGreaterThan(upDone.index);
      expect(downExecuting.at).toBeGreaterThanOrEqual(upDone.at);
      // CloudFormation saw it the same way: the dependent's create began after the upstream's ended.
      const ops = world.sim.stats().operations;
      const upCreate = ops.find((o) => o.stackName === stackNameOf('up') && o.kind === 'create');
      const downCreate = ops.find((o) => o.stackName === stackNameOf('down') && o.kind === 'create');
      expect(downCreate?.startedAt).toBeGreaterThanOrEqual(upCreate?.finishedAt ?? Infinity);
      // The value that ties them arrived (a declared edge carries none).
      const seen = result.results.get('down')?.outputs?.Seen;
      if (!via.startsWith('declared')) expect(seen).toBe(result.results.get('up')?.outputs?.TableName);

      // Early change sets: made while the upstream deploys, unless the dependent needs its data.
      const creating = changeSetCreatingOf(log, 'down');
      if (early) {
        expect(creating.at).toBeLessThan(upDone.at);
        // ... and it waited, parked, with its change set ready.
        expect(first(log, 'stack:changeset', 'down', (e) => e.phase === 'ready').index).toBeLessThan(upDone.index);
        expect(first(log, 'stack:waiting', 'down', () => true).event.on).toEqual(['up']);
        // Started the moment its last dependency succeeded: no virtual time between the two.
        expect(downExecuting.at).toBe(upDone.at);
      } else {
        expect(creating.index).toBeGreaterThan(upDone.index);
        expect(maybeFirst(log, 'stack:start', 'down')?.index).toBeGreaterThan(upDone.index);
      }
    },
  );

  it('makes early change sets only where every input is free: one output() edge among imports holds the change set back', async () => {
    const { project } = await makeProject({
      up: { template: UP },
      other: {
        template:
          'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  Arn:\n    Value: !Ref Topic\n    Export:\n      Name: demo-other-arn\n',
      },
      down: {
        template: queueTagged('!ImportValue demo-up-table-name', 'Parameters:\n  OtherArn:\n    Type: String\n'),
        parameters: { OtherArn: { output: { stack: 'other', name: 'Arn' } } },
      },
    });
    const world = simWorld(project, { file: { stacks: { up: { createSeconds: 200 }, other: { createSeconds: 40 } } } });

    const { result, log } = await simDeploy(world);

    expect(outcomes(result)).toEqual({ up: 'created', other: 'created', down: 'created' });
    // Its change set waited for `other` (the data it needs), not for `up` (an import).
    const creating = changeSetCreatingOf(log, 'down');
    expect(creating.index).toBeGreaterThan(doneOf(log, 'other').index);
    expect(creating.at).toBeLessThan(doneOf(log, 'up').at);
    expect(executingOf(log, 'down').at).toBe(doneOf(log, 'up').at);
  });
});

describe('ready queue, not waves', () => {
  /**
   * Two roots of the same level, one slow and one fast, each with a dependent:
   *   slow (600 s) → slowChild        fast (30 s) → fastChild
   */
  async function twoBranches() {
    const exporting = (name: string) =>
      `Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  Arn:\n    Value: !Ref Topic\n    Export:\n      Name: ${name}\n`;
    const { project } = await makeProject({
      slow: { template: exporting('demo-slow') },
      fast: { template: exporting('demo-fast') },
      slowChild: { template: queueTagged('!ImportValue demo-slow') },
      fastChild: { template: queueTagged('!ImportValue demo-fast') },
    });
    expect(project.orderings.levels).toEqual([
      ['slow', 'fast'],
      ['slowChild', 'fastChild'],
    ]);
    return project;
  }
  const file = {
    stacks: {
      slow: { createSeconds: 600 },
      fast: { createSeconds: 30 },
      slowChild: { createSeconds: 60 },
      fastChild: { createSeconds: 60 },
    },
  };

  it("starts a fast branch's dependent the moment its own dependency succeeds, while a slow sibling still deploys", async () => {
    const world = simWorld(await twoBranches(), { file });
    const { result, log, startedAt } = await simDeploy(world);

    expect(result.exitCode).toBe(0);
    const fastChild = executingOf(log, 'fastChild');
    expect(fastChild.at).toBe(doneOf(log, 'fast').at);
    expect(fastChild.index).toBeGreaterThan(doneOf(log, 'fast').index);
    // Done long before the slow root: not held back by its level.
    expect(doneOf(log, 'fastChild').at).toBeLessThan(doneOf(log, 'slow').at);
    expect(doneOf(log, 'fastChild').at - startedAt).toBeLessThan(150_000);
  });

  it('holds the same dependent back until the whole level is done with policy { waves: true } (Sceptre, Compose)', async () => {
    const world = simWorld(await twoBranches(), { file });
    const { result, log } = await simDeploy(world, { policy: { waves: true } });

    expect(result.exitCode).toBe(0);
    const slowDone = doneOf(log, 'slow');
    // Nothing of level 1 starts, not even a change set, before the slow root is done.
    for (const child of ['fastChild', 'slowChild']) {
      expect(first(log, 'stack:start', child).index).toBeGreaterThan(slowDone.index);
      expect(executingOf(log, child).at).toBeGreaterThanOrEqual(slowDone.at);
    }
  });
});
