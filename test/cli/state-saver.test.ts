import { describe, expect, it } from 'vitest';
import { createStateSaver } from '../../src/cli/state-saver.js';

/** A write that ends when the test says so, recording what it saved. */
function controlledWrites(read: () => number) {
  const writes: { saved: number; end: () => void }[] = [];
  const write = (): Promise<void> =>
    new Promise<void>((resolve) => {
      writes.push({ saved: read(), end: resolve });
    });
  return { writes, write };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createStateSaver', () => {
  it('runs one write at a time and serves every save asked for meanwhile with one more write', async () => {
    let version = 1;
    const { writes, write } = controlledWrites(() => version);
    const saver = createStateSaver(write);
    const settled: number[] = [];
    void saver.save().then(() => settled.push(1));
    await turn();
    expect(writes.map((w) => w.saved)).toEqual([1]);
    // Three changes while the first write runs: one more write, after it, with the last of them.
    for (const v of [2, 3, 4]) {
      version = v;
      void saver.save().then(() => settled.push(v));
    }
    await turn();
    expect(writes).toHaveLength(1);
    writes[0]?.end();
    await turn();
    expect(settled).toEqual([1]);
    expect(writes.map((w) => w.saved)).toEqual([1, 4]);
    writes[1]?.end();
    await turn();
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it('keeps a failed write for the end and goes on saving', async () => {
    let calls = 0;
    const saver = createStateSaver(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve();
    });
    await saver.save();
    await saver.save();
    expect(calls).toBe(2);
    expect(() => saver.throwIfFailed()).toThrow('disk full');
  });
});
