// @vitest-environment happy-dom
/**
 * The job summary's Mermaid blocks, read by Mermaid's own parser (the `mermaid` package; its
 * label sanitiser needs a DOM, hence happy-dom): they must parse, and say what the run did.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { StackGraph } from '../../../src/graph/types.js';
import { renderJobSummary } from '../../../src/ui/ci/job-summary.js';
import { ganttLabel } from '../../../src/ui/ci/mermaid.js';
import { emptyRunRecord, recordEvent } from '../../../src/ui/ci/run-record.js';
import type { RunRecord } from '../../../src/ui/ci/run-record.js';
import { flowchartEdges, flowchartVertices, ganttTasks, mermaidBlocks, parseMermaid } from './mermaid-parser.js';
import { loadRun } from './recorded-run.js';
import { ev, graphOf, HEADER, timed } from './support.js';

function record(events: readonly { at: number; event: EngineEvent }[]): RunRecord {
  const run = emptyRunRecord();
  for (const { at, event } of events) recordEvent(run, event, at);
  return run;
}

function summaryBlocks(
  graph: StackGraph,
  events: readonly { at: number; event: EngineEvent }[],
): { flowchart: string; gantt: string } {
  const blocks = mermaidBlocks(renderJobSummary(record(events), graph, HEADER));
  expect(blocks).toHaveLength(2);
  return { flowchart: blocks[0] ?? '', gantt: blocks[1] ?? '' };
}

const at = (events: readonly { at: number; event: EngineEvent }[], type: EngineEvent['type'], stack: string): Date => {
  const found = events.find((r) => r.event.type === type && 'stack' in r.event && r.event.stack === stack);
  if (!found) throw new Error(`no ${type} for ${stack}`);
  // Mermaid's times are whole milliseconds; virtual time need not be.
  return new Date(Math.round(found.at));
};

describe("the job summary's Mermaid, parsed by Mermaid", () => {
  it('the example run: a flowchart of the four stacks coloured by result, and a gantt of when each worked', async () => {
    const { graph, events } = loadRun('example-run.json');
    const { flowchart, gantt } = summaryBlocks(graph, events);
    expect(await parseMermaid(flowchart)).toBe('flowchart-v2');
    expect(await parseMermaid(gantt)).toBe('gantt');

    const vertices = await flowchartVertices(flowchart);
    expect(vertices.map((v) => [v.text, v.classes])).toEqual([
      ['core-infra', ['created']],
      ['data', ['created']],
      ['app', ['created']],
      ['backup', ['created']],
    ]);
    const label = new Map(vertices.map((v) => [v.id, v.text]));
    expect(
      (await flowchartEdges(flowchart)).map((e) => `${label.get(e.start)} → ${label.get(e.end)} (${e.text})`),
    ).toEqual([
      'data → core-infra (declared)',
      'app → data (output, import)',
      'app → core-infra (import)',
      'backup → data (import)',
    ]);

    const tasks = await ganttTasks(gantt);
    expect(
      tasks.map((t) => [t.section, t.task.trim(), t.active ? 'critical path' : t.crit ? 'failed' : 'other']),
    ).toEqual([
      ['step 1', 'core-infra', 'critical path'],
      ['step 2', 'data (change set)', 'critical path'],
      ['step 2', 'data', 'critical path'],
      ['step 3', 'app', 'critical path'],
      ['step 3', 'backup (change set)', 'other'],
      ['step 3', 'backup', 'other'],
    ]);
    // The bars are the events' (virtual) times: app and backup overlap, both after data.
    const bar = (name: string): { startTime: Date; endTime: Date } =>
      tasks.find((t) => t.task.trim() === name) ?? { startTime: new Date(NaN), endTime: new Date(NaN) };
    expect(bar('core-infra')).toMatchObject({
      startTime: at(events, 'stack:start', 'core-infra'),
      endTime: at(events, 'stack:done', 'core-infra'),
    });
    expect(bar('data')).toMatchObject({
      startTime: at(events, 'stack:executing', 'data'),
      endTime: at(events, 'stack:done', 'data'),
    });
    expect(bar('backup')).toMatchObject({
      startTime: at(events, 'stack:executing', 'backup'),
      endTime: at(events, 'stack:done', 'backup'),
    });
    expect(bar('app')).toMatchObject({
      startTime: at(events, 'stack:start', 'app'),
      endTime: at(events, 'stack:done', 'app'),
    });
    expect(bar('app').startTime.getTime()).toBeLessThan(bar('backup').endTime.getTime());
    expect(bar('backup').startTime.getTime()).toBeLessThan(bar('app').endTime.getTime());
    expect(bar('backup').startTime.getTime()).toBeGreaterThanOrEqual(bar('data').endTime.getTime());
  });

  it('the failing run: data failed (crit), app and backup skipped (milestones)', async () => {
    const { graph, events } = loadRun('example-run-data-fails.json');
    const { flowchart, gantt } = summaryBlocks(graph, events);
    expect(await parseMermaid(flowchart)).toBe('flowchart-v2');
    expect(await parseMermaid(gantt)).toBe('gantt');
    expect((await flowchartVertices(flowchart)).map((v) => [v.text, v.classes])).toEqual([
      ['core-infra', ['created']],
      ['data', ['failed']],
      ['app', ['skipped']],
      ['backup', ['skipped']],
    ]);
    const tasks = await ganttTasks(gantt);
    expect(tasks.map((t) => [t.task.trim(), t.crit, t.milestone])).toEqual([
      ['core-infra', false, false],
      ['data (change set)', false, false],
      ['data', true, false],
      ['app skipped', false, true],
      ['backup (change set)', false, false],
      ['backup skipped', false, true],
    ]);
    expect(tasks.find((t) => t.task.trim() === 'app skipped')?.startTime).toEqual(at(events, 'stack:done', 'app'));
  });

  it('stack ids Mermaid would take for keywords, and labels with its separators, still parse', async () => {
    const ids = ['end', 'gantt-x', 'section-a', 'title', 'click', 'graph', 'subgraph', 'style', 'x1'];
    const graph = graphOf(ids, [
      ['gantt-x', 'end'],
      ['section-a', 'gantt-x'],
      ['title', 'end'],
      ['click', 'title'],
      ['subgraph', 'graph'],
      ['style', 'subgraph'],
    ]);
    const events = timed([
      ev.runStart(ids),
      ...ids.flatMap((id) => [ev.start(id), ev.executing(id)]),
      ...ids.map((id) => ev.done(id, id === 'click' ? 'failed' : 'created')),
      ev.runDone(1, { created: 8, failed: 1 }),
    ]);
    const { flowchart, gantt } = summaryBlocks(graph, events);
    expect(await parseMermaid(flowchart)).toBe('flowchart-v2');
    expect(await parseMermaid(gantt)).toBe('gantt');
    expect((await flowchartVertices(flowchart)).map((v) => v.text)).toEqual(ids);
    const tasks = await ganttTasks(gantt);
    expect(tasks.map((t) => t.task.trim()).sort()).toEqual([
      'end',
      'graph',
      'stack click',
      'stack gantt-x',
      'stack section-a',
      'stack title',
      'style',
      'subgraph',
      'x1',
    ]);
    expect(tasks.find((t) => t.task.trim() === 'stack click')?.crit).toBe(true);
  });

  it("a run cut short: the unfinished stack's bar runs to the last event, and the title says so", async () => {
    const events = timed([
      ev.runStart(['a', 'b']),
      ev.start('a'),
      ev.start('b'),
      ev.executing('b'),
      ev.done('b', 'created'),
      ev.resource('a', 'CREATE_IN_PROGRESS'),
    ]);
    const summary = renderJobSummary(record(events), graphOf(['a', 'b']), HEADER);
    expect(summary.split('\n')[0]).toBe('## ⚠️ stackpilot deploy did not finish: orders (stage dev, region us-east-1)');
    expect(summary).toContain('| a | ⏳ unfinished | — | — | — | — |');
    const [flowchart = '', gantt = ''] = mermaidBlocks(summary);
    expect(await parseMermaid(flowchart)).toBe('flowchart-v2');
    const tasks = await ganttTasks(gantt);
    expect(
      tasks.map((t) => [
        t.task.trim(),
        t.startTime.getTime() - Date.UTC(2025, 0, 1),
        t.endTime.getTime() - Date.UTC(2025, 0, 1),
      ]),
    ).toEqual([
      ['a', 1_000, 5_000],
      ['b', 2_000, 4_000],
    ]);
  });

  it('gantt labels keep to characters the gantt lexer reads as a name', async () => {
    expect(ganttLabel('core-infra')).toBe('core-infra');
    expect(ganttLabel('a:b;c#d%e,f')).toBe('a_b_c_d_e_f');
    expect(ganttLabel('2024-01-01 db')).toBe('stack 2024-01-01 db');
    expect(ganttLabel('Gantt-app')).toBe('stack Gantt-app');
    expect(ganttLabel('titles')).toBe('titles');
    expect(ganttLabel('')).toBe('stack ');
    const gantt = [
      'gantt',
      '  dateFormat x',
      '  section s',
      ...['a:b;c#d%e,f', '2024-01-01 db', 'Gantt-app', '%%x', 'dateFormat-x'].map(
        (name, i) => `    ${ganttLabel(name)} :done, t${i}, 0, 1000`,
      ),
    ].join('\n');
    expect((await ganttTasks(gantt)).map((t) => t.task.trim())).toEqual([
      'a_b_c_d_e_f',
      'stack 2024-01-01 db',
      'stack Gantt-app',
      '__x',
      'stack dateFormat-x',
    ]);
  });
});
