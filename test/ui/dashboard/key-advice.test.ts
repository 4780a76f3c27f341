import { describe, expect, it } from 'vitest';
import { withoutKeyAdvice } from '../../../src/ui/dashboard/key-advice.js';

describe('interrupt notices once the run is over', () => {
  it('drop what another Ctrl-C would do, and keep what happened', () => {
    expect(
      withoutKeyAdvice(
        'interrupted: no new stack will start and change sets not yet executed are deleted; ' +
          'stacks being deployed are left to CloudFormation (press Ctrl-C again to cancel updates in progress)',
      ),
    ).toBe(
      'interrupted: no new stack will start and change sets not yet executed are deleted; ' +
        'stacks being deployed are left to CloudFormation',
    );
    expect(
      withoutKeyAdvice('cancelling updates in progress (CancelUpdateStack); press Ctrl-C once more to quit at once'),
    ).toBe('cancelling updates in progress (CancelUpdateStack)');
    expect(withoutKeyAdvice('wrote outputs to .stackpilot/outputs.json')).toBe(
      'wrote outputs to .stackpilot/outputs.json',
    );
  });
});
