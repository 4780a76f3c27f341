import { describe, expect, it } from 'vitest';
import type { Project } from '../../src/graph/load-project.js';
import { computeOrderings } from '../../src/graph/orderings.js';
import { weakReferenceNotes } from '../../src/graph/weak-references.js';
import { planSchedule } from '../../src/engine/runner/schedule-plan.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import { projectOf, reading } from '../helpers/graph-builders.js';

const data = { template: 'Outputs:\n  TableName:\n    Value: t\n' };

function project(): Project {
  const { config, templates } = projectOf({
    data,
    other: {},
    app: { stackOutputReads: [reading('demo-dev-data', 'TableName')] },
  });
  const { graph } = buildGraph(config, templates, () => ({ file: 'stacks.config.ts' }));
  return { config, templates, graph, orderings: computeOrderings(graph), warnings: [] };
}

describe('Fn::GetStackOutput: weak references and scheduling', () => {
  it("names the reader, the stack and the output when a run may change the stack's outputs", () => {
    expect(weakReferenceNotes(project().graph, ['data'])).toEqual([
      "app reads data.TableName through Fn::GetStackOutput; data's outputs may change in this run; app keeps the value it read at its last update",
    ]);
  });

  it('says the reader re-reads only if it is itself updated when it is in the run too', () => {
    expect(weakReferenceNotes(project().graph, ['data', 'app'])).toEqual([
      "app reads data.TableName through Fn::GetStackOutput; data's outputs may change in this run; app is in this run too, but keeps the value it read at its last update unless it is itself updated after data",
    ]);
  });

  it('says nothing when the stack read is not in the run', () => {
    expect(weakReferenceNotes(project().graph, ['app', 'other'])).toEqual([]);
  });

  it("holds the reader's change set back until the stack read is done, like an output() parameter", () => {
    const schedule = planSchedule(project(), ['data', 'other', 'app'], {}, {});
    expect(schedule.dependencies('app')).toEqual(['data']);
    expect(schedule.inputsFrom('app')).toEqual(['data']);
  });
});
