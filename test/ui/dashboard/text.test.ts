import { describe, expect, it } from 'vitest';
import { fit, formatElapsed, progressBar, spinnerFrame, truncate, wrap } from '../../../src/ui/dashboard/text.js';

describe('dashboard text helpers', () => {
  it('truncates with an ellipsis and pads to a width', () => {
    expect(truncate('TableNameParam CREATE_IN_PROGRESS', 10)).toBe('TableName…');
    expect(truncate('short', 10)).toBe('short');
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abcdef', 5)).toBe('abcd…');
  });

  it('wraps words, breaks words longer than a line, keeps newlines, indents what follows', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('arn:aws:iam::123456789012:role/x ok', 12, '  ')).toEqual([
      'arn:aws:iam:',
      '  :123456789',
      '  012:role/x',
      '  ok',
    ]);
    expect(wrap('first line\nsecond', 20)).toEqual(['first line', 'second']);
  });

  it('draws a bar of resources done, elapsed seconds and a spinner frame from the clock', () => {
    expect(progressBar(2, 3, 10)).toBe('███████░░░');
    expect(progressBar(0, 0, 4)).toBe('████');
    expect(progressBar(5, 3, 4)).toBe('████');
    expect(formatElapsed(999)).toBe('0s');
    expect(formatElapsed(133_900)).toBe('2m13s');
    expect([0, 100, 950, 1_000].map(spinnerFrame)).toEqual(['⠋', '⠙', '⠏', '⠋']);
  });
});
