/**
 * Mermaid's own parser, to check the job summary's diagrams the way GitHub will read them. Mermaid
 * sanitises labels with DOMPurify, which needs a DOM: test files using this run in happy-dom
 * (`// @vitest-environment happy-dom` at their top).
 */
import mermaid from 'mermaid';

export interface GanttTask {
  id: string;
  task: string;
  section: string;
  startTime: Date;
  endTime: Date;
  crit: boolean;
  active: boolean;
  done: boolean;
  milestone: boolean;
}

export interface FlowVertex {
  id: string;
  text: string;
  classes: string[];
}

/** Throws Mermaid's parse error; returns the diagram type it recognised. */
export async function parseMermaid(text: string): Promise<string> {
  return (await mermaid.parse(text)).diagramType;
}

/** The gantt's tasks as Mermaid computes them (dates resolved: this throws on a bad date). */
export async function ganttTasks(text: string): Promise<GanttTask[]> {
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getTasks(): {
      id: string;
      task: string;
      section: string;
      startTime: Date;
      endTime: Date;
      crit?: boolean;
      active?: boolean;
      done?: boolean;
      milestone?: boolean;
    }[];
  };
  return db.getTasks().map((t) => ({
    id: t.id,
    task: t.task,
    section: t.section,
    startTime: t.startTime,
    endTime: t.endTime,
    crit: t.crit === true,
    active: t.active === true,
    done: t.done === true,
    milestone: t.milestone === true,
  }));
}

export async function flowchartVertices(text: string): Promise<FlowVertex[]> {
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getVertices(): Map<string, { id: string; text?: string; classes: string[] }> };
  return [...db.getVertices().values()].map((v) => ({ id: v.id, text: v.text ?? '', classes: [...v.classes] }));
}

export async function flowchartEdges(text: string): Promise<{ start: string; end: string; text: string }[]> {
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getEdges(): { start: string; end: string; text: string }[] };
  return db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text }));
}

/** The ```mermaid blocks of a Markdown text, in order. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}
