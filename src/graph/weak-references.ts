import type { Edge, StackGraph } from './types.js';

/**
 * What a run should say about `Fn::GetStackOutput`: CloudFormation resolves it only when the
 * reading stack is created or updated (a weak reference), so when a run may change the outputs of
 * a stack that another reads this way, the reader keeps the old value unless it is updated after.
 * One line per reader, stack read and output, for the stacks in the run.
 */
export function weakReferenceNotes(graph: StackGraph, inRun: readonly string[]): string[] {
  const running = new Set(inRun);
  const notes = new Map<string, string>();
  const reads: readonly Edge[] = [...graph.edges, ...(graph.setAside ?? [])];
  for (const edge of reads) {
    if (edge.via !== 'stack-output' || !running.has(edge.dependsOn)) continue;
    const output = edge.outputName ?? '?';
    const key = `${edge.stack}\u0000${edge.dependsOn}\u0000${output}`;
    if (notes.has(key)) continue;
    const pattern = edge.pattern ? ' (a name matched as a pattern)' : '';
    const keeps = running.has(edge.stack)
      ? `${edge.stack} is in this run too, but keeps the value it read at its last update ` +
        `unless it is itself updated after ${edge.dependsOn}`
      : `${edge.stack} keeps the value it read at its last update`;
    notes.set(
      key,
      `${edge.stack} reads ${edge.dependsOn}.${output} through Fn::GetStackOutput${pattern}; ` +
        `${edge.dependsOn}'s outputs may change in this run; ${keeps}`,
    );
  }
  return [...notes.values()];
}
