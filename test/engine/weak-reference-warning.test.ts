import { describe, expect, it } from 'vitest';
import { planRun } from '../../src/engine/plan/plan-run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Project } from '../../src/graph/load-project.js';
import { computeOrderings } from '../../src/graph/orderings.js';
import { deploy, makeProject, ofType, world } from './support.js';

const TOPIC = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

/** app reads data's TableName through Fn::GetStackOutput: the edge as the graph makes it. */
async function readerProject(): Promise<Project> {
  const { project } = await makeProject({
    data: { template: `${TOPIC}Outputs:\n  TableName:\n    Value: !GetAtt Topic.TopicName\n` },
    app: { template: TOPIC },
  });
  const graph = {
    ...project.graph,
    edges: [
      {
        stack: 'app',
        dependsOn: 'data',
        via: 'stack-output' as const,
        detail: 'Fn::GetStackOutput demo-dev-data.TableName in Topic, output TableName of data',
        location: undefined,
        providedAt: undefined,
        outputName: 'TableName',
      },
    ],
  };
  return { ...project, graph, orderings: computeOrderings(graph) };
}

const NOTE =
  "app reads data.TableName through Fn::GetStackOutput; data's outputs may change in this run; app keeps the value it read at its last update";

describe('the weak-reference note of Fn::GetStackOutput', () => {
  it('deploy says it as a run warning right after run:start when only the stack read is deployed', async () => {
    const { events } = await deploy(await readerProject(), world(), { stacks: ['data'] });
    expect(events[0]?.type).toBe('run:start');
    expect(events[1]).toEqual({ type: 'run:warning', message: NOTE });
  });

  it('plan says it too', async () => {
    const w = world();
    const events: EngineEvent[] = [];
    const project = await readerProject();
    await planRun({ project, stacks: ['data'], ports: w.fake.ports, clock: w.clock, emit: (e) => events.push(e) });
    expect(ofType(events, 'run:warning').map((e) => e.message)).toEqual([NOTE]);
  });

  it('is not said when the stack read is not in the run', async () => {
    const { events } = await deploy(await readerProject(), world(), { stacks: ['app'] });
    expect(ofType(events, 'run:warning')).toEqual([]);
  });
});
