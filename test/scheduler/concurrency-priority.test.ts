/**
 * The concurrency limit and priorities on the simulator (issue 4, "The scheduler"): never more
 * stacks at work than `concurrency` (and exactly that many when there is enough work); among
 * ready stacks, the longest remaining path first; declaration order with { prioritize: false }.
 *
 * "At work" (see `activeIntervals`): a stack holds a slot while it prepares (stack:start → its
 * change set ready) and while it executes (stack:executing → stack:done); parked with a ready
 * change set, waiting for upstream stacks, it holds none.
 */
import { describe, expect, it } from 'vitest';
import type { StackDurations } from '../../src/engine/runner/schedule-plan.js';
import type { StackDef } from '../engine/support.js';
import { makeProject } from '../engine/support.js';
import {
  activeAt,
  activeIntervals,
  doneOf,
  eventsOf,
  maxActive,
  outcomes,
  preparedAt,
  simDeploy,
  simWorld,
} from './support.js';

const topics = (count: number, extra = ''): string => {
  const lines = ['Resources:'];
  for (let i = 0; i < count; i += 1) lines.push(`  Topic${i}:`, '    Type: AWS::SNS::Topic');
  return `${lines.join('\n')}\n${extra}`;
};
const exportsAs = (name: string): string =>
  `Outputs:\n  Arn:\n    Value: !Ref Topic0\n    Export:\n      Name: ${name}\n`;
const importing = (names: string[], count = 1): string => {
  const lines = ['Resources:', '  Topic0:', '    Type: AWS::SNS::Topic', '    Properties:', '      Tags:'];
  for (const name of names) lines.push(`        - Key: ${name}`, `          Value: !ImportValue ${name}`);
  for (let i = 1; i < count; i += 1) lines.push(`  Topic${i}:`, '    Type: AWS::SNS::Topic');
  return `${lines.join('\n')}\n`;
};

describe('the concurrency limit', () => {
  it('never has more than 3 of 12 independent stacks at work, and uses all 3', async () => {
    const stacks: Record<string, StackDef> = {};
    const scripts: Record<string, { createSeconds: number }> = {};
    for (let i = 0; i < 12; i += 1) {
      stacks[`s${i}`] = { template: topics(2) };
      scripts[`s${i}`] = { createSeconds: 40 + 17 * i };
    }
    const { project } = await makeProject(stacks);
    const world = simWorld(project, { file: { stacks: scripts } });

    const { result, log } = await simDeploy(world, { policy: { concurrency: 3 } });

    expect(Object.values(outcomes(result))).toEqual(Array(12).fill('created'));
    expect(eventsOf(log, 'run:start')[0]?.event.concurrency).toBe(3);
    expect(maxActive(log)).toBe(3);
    // Every stack went through both phases, each in a slot of its own.
    const intervals = activeIntervals(log);
    expect(intervals.filter((i) => i.phase === 'prepare')).toHaveLength(12);
    expect(intervals.filter((i) => i.phase === 'execute')).toHaveLength(12);
    // The same, on virtual time: at no instant more than 3 (intervals half-open, ends before starts).
    const edges = intervals
      .flatMap((i) => [
        { at: i.from.at, d: 1 },
        { at: i.to.at, d: -1 },
      ])
      .sort((a, b) => a.at - b.at || a.d - b.d);
    let current = 0;
    let peak = 0;
    for (const edge of edges) peak = Math.max(peak, (current += edge.d));
    expect(peak).toBe(3);
  });

  it("records what a stack's change set took, not its wait for a slot", async () => {
    const stacks: Record<string, StackDef> = {};
    for (let i = 0; i < 12; i += 1) stacks[`s${i}`] = { template: topics(2) };
    const { project } = await makeProject(stacks);
    const world = simWorld(project, {
      file: {
        stacks: Object.fromEntries(Object.keys(stacks).map((id) => [id, { changeSetSeconds: 5, createSeconds: 100 }])),
      },
    });

    const { result, log, startedAt } = await simDeploy(world, { policy: { concurrency: 3 } });

    expect(result.exitCode).toBe(0);
    // The last stacks waited minutes for a slot ...
    expect(doneOf(log, 's11').at - startedAt).toBeGreaterThan(300_000);
    for (const [id, took] of result.durations) {
      // ... but their change sets took seconds, and that is what the next run's priorities get.
      expect(took.changeSetMs, id).toBeLessThan(15_000);
      expect(took.executeMs, id).toBeGreaterThanOrEqual(100_000);
      expect(took.executeMs, id).toBeLessThan(130_000);
      expect(doneOf(log, id).event.durationMs).toBe((took.changeSetMs ?? 0) + (took.executeMs ?? 0));
    }
  });

  it('does not count stacks parked with a ready change set: they wait for upstream without a slot', async () => {
    // Two slow roots, each with three dependents that import from it (early change sets): the
    // roots execute in two slots, the dependents make their change sets in the third and park.
    const stacks: Record<string, StackDef> = {};
    const scripts: Record<string, { createSeconds: number }> = {};
    for (const root of ['a', 'b']) {
      stacks[root] = { template: topics(1, exportsAs(`demo-${root}`)) };
      scripts[root] = { createSeconds: 300 };
      for (let i = 0; i < 3; i += 1) {
        stacks[`${root}${i}`] = { template: importing([`demo-${root}`]) };
        scripts[`${root}${i}`] = { createSeconds: 60 };
      }
    }
    const { project } = await makeProject(stacks);
    const world = simWorld(project, { file: { stacks: scripts } });

    const { result, log } = await simDeploy(world, { policy: { concurrency: 3 } });

    expect(Object.values(outcomes(result)).every((s) => s === 'created')).toBe(true);
    expect(maxActive(log)).toBe(3);
    // At some moment, 3 stacks were at work while others sat parked with ready change sets.
    const busy = log.filter((r) => activeAt(log, r.index).length === 3 && preparedAt(log, r.index).length > 0);
    expect(busy.length).toBeGreaterThan(0);
    // Once the first five dependents were parked, the last one still found a slot to prepare in.
    const lastReady = eventsOf(log, 'stack:changeset')
      .filter((r) => r.event.phase === 'ready' && /^[ab]\d$/.test(r.event.stack))
      .at(-1);
    expect(lastReady && preparedAt(log, lastReady.index)).toHaveLength(6);
    // The dependents' change sets were made while the roots deployed, in the slots the roots left free.
    for (const root of ['a', 'b']) {
      for (let i = 0; i < 3; i += 1) {
        const ready = eventsOf(log, 'stack:changeset', `${root}${i}`).find((r) => r.event.phase === 'ready');
        expect(ready?.at).toBeLessThan(doneOf(log, root).at);
      }
    }
  });
});

describe('priority: the longest remaining path first', () => {
  /**
   * Three roots, ready together, declared light first:
   *   light (1 resource)   medium (4 resources)   head (2) → mid (2) → tail (2)   (output() edges)
   * Estimates (30 + 10 × resources): light 40, medium 70, head 50 + 50 + 50 = 150 remaining.
   */
  async function threeRoots() {
    const fed = (up: string) => ({
      template: `Parameters:\n  Up:\n    Type: String\n${topics(2)}Outputs:\n  Value:\n    Value: !Ref Up\n`,
      parameters: { Up: { output: { stack: up, name: 'Value' } } },
    });
    const { project } = await makeProject({
      light: { template: topics(1) },
      medium: { template: topics(4) },
      head: { template: `${topics(2)}Outputs:\n  Value:\n    Value: !Ref Topic0\n` },
      mid: fed('head'),
      tail: fed('mid'),
    });
    return project;
  }
  const starts = (log: Parameters<typeof eventsOf>[0]) => eventsOf(log, 'stack:start').map((r) => r.event.stack);
  const executions = (log: Parameters<typeof eventsOf>[0]) =>
    eventsOf(log, 'stack:executing').map((r) => r.event.stack);

  it('with one slot, starts the root of the heaviest chain first, and keeps following the critical path', async () => {
    const world = simWorld(await threeRoots());
    const { result, log } = await simDeploy(world, { policy: { concurrency: 1 } });

    expect(result.exitCode).toBe(0);
    // head (150) first; then mid (100) as soon as head is done, before medium (70); tail (50) after medium; light (40) last.
    expect(starts(log)).toEqual(['head', 'mid', 'medium', 'tail', 'light']);
    expect(executions(log)).toEqual(['head', 'mid', 'medium', 'tail', 'light']);
    expect(maxActive(log)).toBe(1);
  });

  it('takes recorded durations over resource counts', async () => {
    const world = simWorld(await threeRoots());
    // Earlier runs say light is slow (20 min), whatever its one resource suggests.
    const durations: Record<string, StackDurations> = { light: { changeSetMs: 5_000, executeMs: 1_200_000 } };
    const { result, log } = await simDeploy(world, { policy: { concurrency: 1 }, durations });

    expect(result.exitCode).toBe(0);
    expect(starts(log)).toEqual(['light', 'head', 'mid', 'medium', 'tail']);
  });

  it('goes by declaration order with policy { prioritize: false }', async () => {
    const world = simWorld(await threeRoots());
    const { result, log } = await simDeploy(world, { policy: { concurrency: 1, prioritize: false } });

    expect(result.exitCode).toBe(0);
    expect(starts(log).slice(0, 3)).toEqual(['light', 'medium', 'head']);
    expect(executions(log).slice(0, 3)).toEqual(['light', 'medium', 'head']);
  });
});
