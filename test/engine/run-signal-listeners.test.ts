/**
 * A run's stop and cancel signals live for the whole run. Each executing stack used to hang its
 * own listener on them, so a run with more than ten stacks at work printed Node's
 * MaxListenersExceededWarning ("11 abort listeners added to [AbortSignal]") into the output.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/aws/rate-limiter.js';
import { resilientPorts } from '../../src/aws/resilient-ports.js';
import { deployRun } from '../../src/engine/deploy/deploy-run.js';
import { createSimulator, createVirtualClock } from '../../src/sim/index.js';
import type { SimScenario } from '../../src/sim/index.js';
import { approveAll, makeProject, stackNameOf } from './support.js';

describe('a run with 30 stacks at work at once', () => {
  it('keeps at most one listener on each of its long-lived signals, and none after the run', async () => {
    const stacks: Record<string, { template: string; dependsOn: string[] }> = {};
    const scripts: SimScenario['stacks'] = {};
    for (let i = 0; i < 30; i += 1) {
      stacks[`s${i}`] = { template: 'Resources:\n  A:\n    Type: AWS::SQS::Queue\n', dependsOn: [] };
      scripts[stackNameOf(`s${i}`)] = { createSeconds: 300 };
    }
    const { project } = await makeProject(stacks);
    const clock = createVirtualClock();
    const sim = createSimulator({ clock, scenario: { stacks: scripts } });
    const stop = new AbortController();
    const cancel = new AbortController();
    let most = { stop: 0, cancel: 0 };
    let executing = 0;
    const result = await deployRun({
      project,
      stacks: Object.keys(stacks),
      ports: resilientPorts(sim.ports, { limiter: new RateLimiter({ ratePerSecond: 50, burst: 50, clock }), clock }),
      clock,
      emit: (event) => {
        if (event.type === 'stack:executing') executing += 1;
        most = {
          stop: Math.max(most.stop, getEventListeners(stop.signal, 'abort').length),
          cancel: Math.max(most.cancel, getEventListeners(cancel.signal, 'abort').length),
        };
      },
      approve: approveAll,
      policy: { concurrency: 30 },
      stopSignal: stop.signal,
      cancelSignal: cancel.signal,
    });
    expect(result.exitCode).toBe(0);
    expect(executing).toBe(30);
    // The run's own listener on the stop signal, and one shared by all the waits on it.
    expect(most.stop).toBeLessThanOrEqual(2);
    expect(most.cancel).toBe(1);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
  });
});
