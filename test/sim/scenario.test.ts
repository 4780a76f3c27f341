import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { clockForScenario, loadScenario, parseScenario, resolveScenario } from '../../src/sim/index.js';
import { testdir } from '../helpers/testdir.js';
import { allEvents, deploy, lines, readyChangeSet, settled, setup, template } from './support.js';

function problemsOf(run: () => unknown): { message: string; path?: string; line?: number }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError)
      return error.problems.map((p) => ({
        message: p.message,
        ...(p.path ? { path: p.path } : {}),
        ...(p.location?.line ? { line: p.location.line } : {}),
      }));
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('scenario files', () => {
  const GOOD = {
    timeScale: 0.05,
    stacks: {
      data: {
        changeSetSeconds: 5,
        createSeconds: 120,
        updateSeconds: 60,
        fail: { logicalId: 'Table', reason: 'boom' },
      },
    },
    throttle: { rate: 0.2 },
    existing: { app: 'ROLLBACK_COMPLETE' },
  };

  it('loads the format of issue 4 and maps stack ids to names', async () => {
    const dir = await testdir({ 'scenario.json': JSON.stringify(GOOD, null, 2) });
    const file = await loadScenario(join(dir, 'scenario.json'), 'scenario.json');
    expect(file).toEqual(GOOD);
    const resolved = resolveScenario(
      file,
      new Map([
        ['data', { stackName: 'orders-dev-data' }],
        ['app', { stackName: 'orders-dev-app', templateBody: 'x' }],
      ]),
      'scenario.json',
    );
    expect(resolved).toEqual({
      stacks: { 'orders-dev-data': GOOD.stacks.data },
      throttle: { rate: 0.2 },
      ssm: {},
      existing: { 'orders-dev-app': { status: 'ROLLBACK_COMPLETE', templateBody: 'x' } },
    });
  });

  it('reports every bad field with its path and line', () => {
    const text = JSON.stringify(
      {
        timeScale: -1,
        stacks: { data: { createSecs: 5, updateSeconds: 0 } },
        throttle: { rate: 1 },
        existing: { app: 'DELETE_FAILED' },
      },
      null,
      2,
    );
    expect(problemsOf(() => parseScenario(text, 'sc.json'))).toEqual([
      { path: 'timeScale', line: 2, message: expect.stringMatching(/^must be from 0 to 1/) as string },
      { path: 'stacks.data.createSecs', line: 5, message: 'unknown field "createSecs"' },
      { path: 'stacks.data.updateSeconds', line: 6, message: expect.stringMatching(/>0/) as string },
      {
        path: 'throttle.rate',
        line: 10,
        message: 'must be below 1: at 1 every call is throttled and nothing can progress',
      },
      { path: 'existing.app', line: 13, message: expect.stringMatching(/CREATE_COMPLETE/) as string },
    ]);
  });

  it('says which file is not JSON, and which cannot be read', async () => {
    expect(() => parseScenario('{\n  "stacks": {,\n}', 'sc.json')).toThrow(ConfigError);
    expect(() => parseScenario('{\n  "stacks": {,\n}', 'sc.json')).toThrow(
      /^sc\.json:2:\d+: simulator scenario is not valid JSON/,
    );
    await expect(loadScenario('/no/such/file.json', 'file.json')).rejects.toThrow(
      /file\.json: cannot read simulator scenario: ENOENT/,
    );
  });

  it('refuses stack ids the config does not have', () => {
    expect(
      problemsOf(() =>
        resolveScenario(
          { stacks: { dta: {} }, existing: { ap: 'CREATE_COMPLETE' } },
          new Map([
            ['data', { stackName: 'd' }],
            ['app', { stackName: 'a' }],
          ]),
          'sc.json',
        ),
      ),
    ).toEqual([
      { path: 'stacks.dta', message: 'unknown stack "dta"' },
      { path: 'existing.ap', message: 'unknown stack "ap"' },
    ]);
  });

  it('refuses a timeScale above 1, naming the range (issue 11: 1000 never ended)', () => {
    expect(problemsOf(() => parseScenario('{\n  "timeScale": 1000\n}', 'sc.json'))).toEqual([
      {
        path: 'timeScale',
        line: 2,
        message:
          'must be from 0 to 1: real seconds per simulated second (0: virtual time, 1: real time, 0.05: 20 times faster)',
      },
    ]);
    expect(parseScenario('{"timeScale": 1}', 'sc.json').timeScale).toBe(1);
  });

  it('refuses a `fail` naming a resource the template does not have, with did-you-mean (issue 11)', () => {
    const stacks = new Map([['data', { stackName: 'd', logicalIds: ['Table', 'Bucket'] }]]);
    expect(
      problemsOf(() =>
        resolveScenario({ stacks: { data: { fail: { logicalId: 'Tabl', reason: 'boom' } } } }, stacks, 'sc.json'),
      ),
    ).toEqual([
      {
        path: 'stacks.data.fail.logicalId',
        message: 'stack "data" is to fail resource "Tabl", which its template does not have',
      },
    ]);
    const error = (() => {
      try {
        resolveScenario({ stacks: { data: { fail: { logicalId: 'Tabl', reason: 'boom' } } } }, stacks, 'sc.json');
      } catch (e) {
        return e as ValidationError;
      }
      return undefined;
    })();
    expect(error?.problems[0]?.hint).toBe('did you mean "Table"?');
    expect(error?.message).toContain('invalid simulator scenario sc.json');
    const ok = resolveScenario({ stacks: { data: { fail: { logicalId: 'Table', reason: 'boom' } } } }, stacks);
    expect(ok.stacks?.d?.fail?.logicalId).toBe('Table');
  });

  it('reports a scenario stack named __proto__ or constructor as unknown, instead of dropping it (issue 11)', () => {
    const parsed = parseScenario('{"stacks": {"__proto__": {}, "constructor": {}}}', 'sc.json');
    expect(problemsOf(() => resolveScenario(parsed, new Map([['data', { stackName: 'd' }]]), 'sc.json'))).toEqual([
      { path: 'stacks.__proto__', message: 'unknown stack "__proto__"' },
      { path: 'stacks.constructor', message: 'unknown stack "constructor"' },
    ]);
  });

  it('keeps SSM parameters named __proto__ and constructor (issue 11)', () => {
    const parsed = parseScenario('{"ssm": {"__proto__": "p", "constructor": "c"}}', 'sc.json');
    expect(Object.keys(parsed.ssm ?? {})).toEqual(['__proto__', 'constructor']);
    const resolved = resolveScenario(parsed, new Map());
    expect(Object.entries(resolved.ssm ?? {})).toEqual([
      ['__proto__', { value: 'p', type: 'String' }],
      ['constructor', { value: 'c', type: 'String' }],
    ]);
  });

  it('picks a clock: paced for a positive timeScale, virtual otherwise; both read virtual time only', async () => {
    for (const timeScale of [undefined, 0, 0.05]) {
      const clock = clockForScenario(timeScale === undefined ? undefined : { timeScale }, 0);
      const realStart = performance.now();
      await clock.sleep(400);
      expect(clock.now()).toBe(400);
      // 400 simulated ms at 0.05 wait 20 real ms; a lower bound only (timers may fire 1 ms early).
      if (timeScale) expect(performance.now() - realStart).toBeGreaterThanOrEqual(15);
    }
  });
});

describe('defaults and existing stacks', () => {
  const TWO = template({ A: 'AWS::SQS::Queue', B: 'AWS::SQS::Queue' });

  it('takes 5 s per change set, 30 + 10 per resource to create, half that to update', async () => {
    const s = setup();
    const created = await deploy(s, 'web', TWO);
    const times = (await allEvents(s.cf, created.stackId))
      .filter((e) => e.logicalId === 'web')
      .map((e) => e.timestamp.getTime());
    expect(times[1]! - times[0]!).toBe(5000);
    expect(times[2]! - times[1]!).toBe(50_000);
    const updated = await deploy(
      s,
      'web',
      template({ A: 'AWS::SQS::Queue', B: 'AWS::SQS::Queue', C: 'AWS::SQS::Queue' }),
    );
    const rootTimes = (await allEvents(s.cf, updated.stackId))
      .filter((e) => e.logicalId === 'web' && e.clientRequestToken === updated.token)
      .map((e) => e.timestamp.getTime());
    expect(rootTimes.at(-1)! - rootTimes[0]!).toBe(30_000);
  });

  it('sets up CREATE_COMPLETE with the given template, so the same deploy finds no changes', async () => {
    const s = setup({ scenario: { existing: { web: { status: 'CREATE_COMPLETE', templateBody: TWO } } } });
    const stack = await s.cf.describeStack('web');
    expect(stack?.status).toBe('CREATE_COMPLETE');
    const ref = await s.cf.createChangeSet({
      stackName: 'web',
      changeSetName: 'c',
      changeSetType: 'UPDATE',
      templateBody: TWO,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'c',
    });
    expect((await readyChangeSet(s, ref.changeSetId)).status).toBe('FAILED');
    // Its history is in the past.
    expect((await allEvents(s.cf, 'web')).every((e) => e.timestamp.getTime() < s.clock.now())).toBe(true);
  });

  it('sets up CREATE_COMPLETE even when its imports have no exporter and a failure is scripted for later', async () => {
    const importer = template({
      Fn: 'AWS::Lambda::Function\n    Properties:\n      Role: !ImportValue nobody-exports-this',
    });
    const s = setup({
      scenario: {
        stacks: { web: { fail: { logicalId: 'Fn', reason: 'later' } } },
        existing: { web: { status: 'CREATE_COMPLETE', templateBody: importer } },
      },
    });
    expect((await s.cf.describeStack('web'))?.status).toBe('CREATE_COMPLETE');
  });

  it('sets up CREATE_COMPLETE without a template as a placeholder, so the next deploy is an update', async () => {
    const s = setup({ scenario: { existing: { web: { status: 'CREATE_COMPLETE' } } } });
    const ref = await s.cf.createChangeSet({
      stackName: 'web',
      changeSetName: 'c',
      changeSetType: 'UPDATE',
      templateBody: TWO,
      parameters: [],
      tags: {},
      capabilities: [],
      clientToken: 'c',
    });
    expect((await readyChangeSet(s, ref.changeSetId)).changes.map((c) => `${c.action} ${c.logicalId}`)).toEqual([
      'Add A',
      'Add B',
      'Remove Placeholder',
    ]);
  });

  it('sets up ROLLBACK_COMPLETE as a failed first create', async () => {
    const s = setup({ scenario: { existing: { web: { status: 'ROLLBACK_COMPLETE', templateBody: TWO } } } });
    expect(await s.cf.describeStack('web')).toMatchObject({ status: 'ROLLBACK_COMPLETE', outputs: [] });
    expect(lines(await allEvents(s.cf, 'web'))).toContain(
      'web ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [A, B]. Rollback requested by user.',
    );
  });

  it("sets up UPDATE_IN_PROGRESS as someone else's update that ends updateSeconds after the start", async () => {
    const s = setup({
      scenario: {
        stacks: { web: { updateSeconds: 40 } },
        existing: { web: { status: 'UPDATE_IN_PROGRESS', templateBody: TWO } },
      },
    });
    const stack = await s.cf.describeStack('web');
    expect(stack?.status).toBe('UPDATE_IN_PROGRESS');
    const events = await allEvents(s.cf, 'web');
    expect(events.at(-1)?.clientRequestToken).toMatch(/^Console-UpdateStack-/);
    expect((await settled(s, stack?.stackId ?? '')).status).toBe('UPDATE_COMPLETE');
    expect(s.elapsed()).toBe(40_000);
  });

  it("keeps a saved stack rather than setting up the scenario's existing one again", async () => {
    const first = setup();
    await deploy(first, 'web', TWO);
    const second = setup({
      state: first.sim.exportState(),
      scenario: { existing: { web: { status: 'ROLLBACK_COMPLETE' } } },
      start: first.clock.now(),
    });
    expect((await second.cf.describeStack('web'))?.status).toBe('CREATE_COMPLETE');
  });
});
