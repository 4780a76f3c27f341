/** The plan's footnotes explain marks in the report: none without the mark. */
import { describe, expect, it } from 'vitest';
import type { PlannedStack } from '../../src/engine/plan/plan-run.js';
import { planCaveats } from '../../src/ui/plan-report.js';

const stack = (status: PlannedStack['status'], pendingUpstream: string[]): PlannedStack =>
  ({
    stack: 'app',
    stackName: 'orders-dev-app',
    status,
    pendingUpstream,
    changes: [],
    nested: [],
  }) as unknown as PlannedStack;

describe('planCaveats', () => {
  it('says "depends on pending changes" only when a stack with changes carries that mark', () => {
    expect(planCaveats([stack('unchanged', ['data'])])).toEqual([]);
    expect(planCaveats([stack('changes', ['data'])])).toEqual([
      'Stacks marked "depends on pending changes" were previewed with the values their upstream stacks have today.',
    ]);
  });
});
