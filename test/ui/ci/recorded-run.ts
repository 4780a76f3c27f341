import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { Edge, StackGraph, StackNode } from '../../../src/graph/types.js';

/** An engine run as `record-example-runs.ts` saved it: each event with the (virtual) time it was emitted at. */
export interface RecordedRun {
  graph: { nodes: StackNode[]; edges: Omit<Edge, 'location' | 'providedAt'>[] };
  events: { at: number; event: EngineEvent }[];
}

export function loadRun(file: string): { graph: StackGraph; events: RecordedRun['events'] } {
  const run = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')) as RecordedRun;
  return {
    graph: {
      nodes: run.graph.nodes,
      edges: run.graph.edges.map((e) => ({ ...e, location: undefined, providedAt: undefined })),
    },
    events: run.events,
  };
}
