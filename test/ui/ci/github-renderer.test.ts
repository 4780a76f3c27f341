/**
 * Under GitHub Actions: stacks' lines in groups printed when each stack is done (never
 * interleaved, although the engine's events are), annotations escaped as workflow commands, and a
 * job summary appended to $GITHUB_STEP_SUMMARY. The summary's Mermaid is parsed in
 * job-summary-mermaid.test.ts.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { StackGraph } from '../../../src/graph/types.js';
import { createCiRenderer } from '../../../src/ui/ci/ci-renderer.js';
import { escapeData, escapeProperty, workflowCommand } from '../../../src/ui/ci/github-commands.js';
import { createGithubRenderer } from '../../../src/ui/ci/github-renderer.js';
import { testdir } from '../../helpers/testdir.js';
import { loadRun } from './recorded-run.js';
import { ev, graphOf, HEADER, output, replay, replayClock, timed } from './support.js';

async function github(
  graph: StackGraph,
  events: readonly { at: number; event: EngineEvent }[],
  summaryFile?: string,
  after?: (index: number, out: ReturnType<typeof output>) => void,
): Promise<string[]> {
  const out = output();
  const clock = replayClock();
  await replay(
    createGithubRenderer({ write: out.write, now: clock.now, summaryFile, graph, header: HEADER }),
    clock,
    events,
    (i) => after?.(i, out),
  );
  return out.lines();
}

async function ciLines(events: readonly { at: number; event: EngineEvent }[]): Promise<string[]> {
  const out = output();
  const clock = replayClock();
  await replay(createCiRenderer({ write: out.write, colors: pc.createColors(false), now: clock.now }), clock, events);
  return out.lines();
}

/** The output cut into groups (title and lines) and what stands outside them. */
function groups(lines: readonly string[]): { groups: { title: string; lines: string[] }[]; outside: string[] } {
  const found: { title: string; lines: string[] }[] = [];
  const outside: string[] = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const line of lines) {
    if (line.startsWith('::group::')) {
      expect(open, `a group opened inside ${open?.title ?? ''}`).toBeUndefined();
      open = { title: line.slice('::group::'.length), lines: [] };
    } else if (line === '::endgroup::') {
      expect(open).toBeDefined();
      if (open) found.push(open);
      open = undefined;
    } else if (open) open.lines.push(line);
    else outside.push(line);
  }
  expect(open).toBeUndefined();
  return { groups: found, outside };
}

describe('the GitHub Actions renderer: groups', () => {
  it("prints each stack's lines as one group when it is done, although app's and backup's events interleave", async () => {
    const { graph, events } = loadRun('example-run.json');
    const lines = await github(graph, events);
    const ci = await ciLines(events);
    const stackOf = (line: string): string => line.slice(10).split(' ')[0] ?? '';

    // The engine's events do interleave: backup's and app's lines alternate in plain CI mode.
    const parallel = ci.map(stackOf).filter((s) => s === 'app' || s === 'backup');
    expect(parallel.filter((s, i) => i > 0 && s !== parallel[i - 1]).length).toBeGreaterThan(3);

    const { groups: found, outside } = groups(lines);
    expect(found.map((g) => g.title)).toEqual([
      'core-infra — created in 2m30s',
      'data — created in 1m18s',
      'backup — created in 1m20s',
      'app — created in 2m38s',
    ]);
    // Each group holds exactly that stack's lines, in the order and wording of CI mode.
    for (const group of found) {
      const stack = group.title.split(' ')[0] ?? '';
      expect(group.lines).toEqual(ci.filter((line) => stackOf(line) === stack));
    }
    expect(outside).toEqual([
      '00:00:00  run         deploy 4 stacks of orders (stage dev, region us-east-1): order core-infra → data → app → backup',
      '00:06:18  run         wrote outputs to .stackpilot/outputs.json',
      '00:06:18  run         done in 6m19s: 4 created (97 API calls)',
    ]);
  });

  it("prints run-level lines at once and a stack's group the moment its stack:done arrives", async () => {
    const { graph, events } = loadRun('example-run.json');
    const seen: string[][] = [];
    await github(graph, events, undefined, (_i, out) => seen.push(out.lines()));
    events.forEach(({ event }, i) => {
      const now = seen[i] ?? [];
      const before = seen[i - 1] ?? [];
      const added = now.slice(before.length);
      if (event.type === 'run:start' || event.type === 'run:done' || event.type === 'run:outputs-file')
        expect(added).toHaveLength(1);
      else if (event.type === 'stack:done')
        expect(added[0]).toBe(
          `::group::${event.stack} — ${event.status} in ${['2m30s', '1m18s', '1m20s', '2m38s'][['core-infra', 'data', 'backup', 'app'].indexOf(event.stack)] ?? ''}`,
        );
      else expect(added).toEqual([]);
    });
  });

  it('on the failing run: the data group, an ::error annotation with the root cause, skipped stacks in their groups', async () => {
    const { graph, events } = loadRun('example-run-data-fails.json');
    const lines = await github(graph, events);
    expect(lines.filter((line) => line.startsWith('::') || line.slice(10).startsWith('run '))).toEqual([
      '00:00:00  run         deploy 4 stacks of orders (stage dev, region us-east-1): order core-infra → data → app → backup',
      '::group::core-infra — created in 2m30s',
      '::endgroup::',
      '::group::data — failed in 1m08s',
      '::endgroup::',
      '::error title=data failed::Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
      '::group::app — skipped',
      '::endgroup::',
      '::group::backup — skipped in 9s',
      '::endgroup::',
      '00:03:30  run         did not write .stackpilot/outputs.json: missing API_URL (output ApiUrl of app), API_ID (output ApiId of app)',
      '00:03:30  run         failed in 3m31s: 1 created, 1 failed, 2 skipped (56 API calls)',
    ]);
    const data = groups(lines).groups.find((g) => g.title.startsWith('data '));
    expect(data?.lines).toEqual([
      '00:00:00  data        waiting for core-infra',
      '00:00:00  data        deploying orders-dev-data',
      '00:00:00  data        creating change set (CREATE)',
      '00:00:08  data        change set ready: 3 to add, 0 to modify, 0 to remove',
      '00:00:08  data          + Table AWS::DynamoDB::Table',
      '00:00:08  data          + Bucket AWS::S3::Bucket',
      '00:00:08  data          + TableNameParam AWS::SSM::Parameter',
      '00:00:08  data        waiting for core-infra',
      '00:02:30  data        executing stackpilot-rec1 (3 changes)',
      '00:02:32  data          Table AWS::DynamoDB::Table CREATE_IN_PROGRESS',
      '00:02:32  data          Bucket AWS::S3::Bucket CREATE_IN_PROGRESS',
      '00:02:32  data          Table AWS::DynamoDB::Table CREATE_IN_PROGRESS Resource creation Initiated',
      '00:02:32  data          Bucket AWS::S3::Bucket CREATE_IN_PROGRESS Resource creation Initiated',
      '00:03:14  data          Table AWS::DynamoDB::Table CREATE_FAILED Table already exists',
      '00:03:14  data          Bucket AWS::S3::Bucket CREATE_FAILED Resource creation cancelled',
      '00:03:14  data          Table AWS::DynamoDB::Table DELETE_SKIPPED',
      '00:03:14  data          Bucket AWS::S3::Bucket DELETE_SKIPPED',
      '00:03:30  data        failed in 1m08s (19 API calls): orders-dev-data ended in ROLLBACK_COMPLETE: Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
      '00:03:30  data          root cause: Table (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists',
    ]);
  });

  it('flushes the groups of stacks still running when closed early, marked unfinished', async () => {
    const lines = await github(
      graphOf(['a', 'b']),
      timed([ev.runStart(['a', 'b']), ev.start('a'), ev.start('b'), ev.done('b', 'created')]),
    );
    expect(lines).toEqual([
      '00:00:00  run  deploy 2 stacks of p (stage dev): order a → b',
      '::group::b — created in 1s',
      '00:00:02  b    deploying p-b',
      '00:00:03  b    created in 1s (3 API calls)',
      '::endgroup::',
      '::group::a — unfinished',
      '00:00:01  a    deploying p-a',
      '::endgroup::',
    ]);
  });

  it('prints at once what comes about a stack after its group', async () => {
    const lines = await github(
      graphOf(['a']),
      timed([ev.runStart(['a']), ev.start('a'), ev.done('a', 'created'), ev.warning('a', 'late news')]),
    );
    expect(lines.slice(-3)).toEqual([
      '::endgroup::',
      '00:00:03  a    warning: late news',
      '::warning title=a::late news',
    ]);
  });
});

describe('the GitHub Actions renderer: annotations', () => {
  it('escapes messages and properties as the runner unescapes them', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
    // `%` first, so an escape already in the text is not taken for one.
    expect(escapeData('%0A')).toBe('%250A');
    expect(workflowCommand('error', { title: 'x: y, z', file: 'a.yaml' }, 'm')).toBe(
      '::error title=x%3A y%2C z,file=a.yaml::m\n',
    );
    expect(workflowCommand('endgroup', {}, '')).toBe('::endgroup::\n');
  });

  it('an ::error for a failed stack with the root cause, escaped; the title escaped as a property', async () => {
    const lines = await github(
      graphOf(['web', 'a,b:c']),
      timed([
        ev.runStart(['web', 'a,b:c']),
        ev.done('web', 'failed', {
          reason: 'web ended in ROLLBACK_COMPLETE',
          rootCause: {
            logicalId: 'Fn',
            resourceType: 'AWS::Lambda::Function',
            status: 'CREATE_FAILED',
            reason: '50% of 2 targets unhealthy\r\nsee: https://example.com/a,b',
          },
        }),
        ev.done('a,b:c', 'failed', { reason: 'internal error: boom\n    at x (y.ts:1:2)' }),
      ]),
    );
    expect(lines.filter((l) => l.startsWith('::error'))).toEqual([
      '::error title=web failed::Fn (AWS::Lambda::Function) CREATE_FAILED: 50%25 of 2 targets unhealthy%0D%0Asee: https://example.com/a,b',
      // No root cause: the engine's reason, multi-line and all, in one annotation.
      '::error title=a%2Cb%3Ac failed::internal error: boom%0A    at x (y.ts:1:2)',
    ]);
  });

  it('a ::warning for a stack warning and for a blocked stack, after its group; run warnings at once', async () => {
    const lines = await github(
      graphOf(['db']),
      timed([
        ev.runStart(['db']),
        ev.start('db'),
        ev.warning('db', 'termination protection is off, 100% sure'),
        { type: 'run:warning', message: 'the API rate is low: 1 call/s' },
        ev.ready('db', ['Remove']),
        ev.blocked('db', 'approval needed: 1 to remove (pass --yes)'),
        ev.done('db', 'blocked', { reason: 'approval needed: 1 to remove (pass --yes)' }),
      ]),
    );
    expect(lines).toEqual([
      '00:00:00  run  deploy 1 stack of p (stage dev): db',
      '00:00:03  run  the API rate is low: 1 call/s',
      '::warning title=stackpilot::the API rate is low: 1 call/s',
      '::group::db — blocked in 1s',
      '00:00:01  db   deploying p-db',
      '00:00:02  db   warning: termination protection is off, 100% sure',
      '00:00:04  db   change set ready: 0 to add, 0 to modify, 1 to remove',
      '00:00:04  db     - R1 AWS::SNS::Topic',
      '00:00:06  db   blocked in 1s (3 API calls): approval needed: 1 to remove (pass --yes)',
      '::endgroup::',
      '::warning title=db::termination protection is off, 100%25 sure',
      '::warning title=db blocked::approval needed: 1 to remove (pass --yes)',
    ]);
  });
});

describe('the GitHub Actions renderer: the job summary', () => {
  const SUMMARY_FAILED = [
    '## ❌ stackpilot deploy failed: orders (stage dev, region us-east-1)',
    '',
    '4 stacks in 3m31s: 1 created, 1 failed, 2 skipped · 56 API calls · concurrency 4 · simulated (virtual time)',
    '',
    '| Stack | Result | Time | Added | Modified | Removed |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    '| core-infra | ✅ created | 2m30s | 11 | 0 | 0 |',
    '| data | ❌ failed | 1m08s | 3 | 0 | 0 |',
    '| app | ⏭️ skipped: data failed | — | — | — | — |',
    '| backup | ⏭️ skipped: data failed | 9s | — | — | — |',
    '',
    '- ❌ **data** failed: Table (AWS::DynamoDB::Table) CREATE\\_FAILED: Table already exists',
    '- ⚠️ did not write .stackpilot/outputs.json: missing API\\_URL (output ApiUrl of app), API\\_ID (output ApiId of app)',
    '',
    '### Dependency graph',
    '',
    '```mermaid',
    'flowchart LR',
    '  %% an arrow points from a stack to a stack it needs (that one deploys first)',
    '  s_core_infra["core-infra"]',
    '  s_data["data"]',
    '  s_app["app"]',
    '  s_backup["backup"]',
    '  s_data -->|declared| s_core_infra',
    '  s_app -->|output, import| s_data',
    '  s_app -->|import| s_core_infra',
    '  s_backup -->|import| s_data',
    '  classDef created fill:#dafbe1,stroke:#1a7f37,color:#1f2328',
    '  class s_core_infra created',
    '  classDef failed fill:#ffebe9,stroke:#cf222e,color:#1f2328,stroke-width:2px',
    '  class s_data failed',
    '  classDef skipped fill:#f6f8fa,stroke:#8c959f,color:#656d76,stroke-dasharray:4 3',
    '  class s_app,s_backup skipped',
    '```',
    '',
    'An arrow points from a stack to a stack it needs (that one deploys first).',
    '',
    '### Timeline',
    '',
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %H:%M:%S',
    '  todayMarker off',
    '  section step 1',
    '    core-infra :active, t1, 1735689600000, 1735689750045',
    '  section step 2',
    '    data (change set) :active, t2, 1735689600000, 1735689608295',
    '    data :crit, t3, 1735689750045, 1735689810045',
    '  section step 3',
    '    app skipped :milestone, t4, 1735689810045, 0ms',
    '    backup (change set) :done, t5, 1735689600000, 1735689608695',
    '    backup skipped :milestone, t6, 1735689810045, 0ms',
    '```',
    '',
    'Critical path (highlighted bars): core-infra → data. Failed: red. ◆: skipped. A "(change set)" bar is a change set made early, before the stack waited for its dependencies.',
    '',
  ];

  it('appends the report to $GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const dir = await testdir();
    const file = join(dir, 'step_summary.md');
    const earlier = '## Tests\n\nall 812 passed\n';
    await writeFile(file, earlier);
    const { graph, events } = loadRun('example-run-data-fails.json');
    await github(graph, events, file);
    const written = await readFile(file, 'utf8');
    expect(written.startsWith(earlier)).toBe(true);
    expect(written.slice(earlier.length).split('\n')).toEqual(['', ...SUMMARY_FAILED]);
  });

  it('counts resources by the change set of each stack that ran, and writes a succeeded title', async () => {
    const dir = await testdir();
    const file = join(dir, 'summary.md');
    const { graph, events } = loadRun('example-run.json');
    await github(graph, events, file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.slice(0, 11)).toEqual([
      '',
      '## ✅ stackpilot deploy succeeded: orders (stage dev, region us-east-1)',
      '',
      '4 stacks in 6m19s: 4 created · 97 API calls · concurrency 4 · simulated (virtual time)',
      '',
      '| Stack | Result | Time | Added | Modified | Removed |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      '| core-infra | ✅ created | 2m30s | 11 | 0 | 0 |',
      '| data | ✅ created | 1m18s | 3 | 0 | 0 |',
      '| app | ✅ created | 2m38s | 12 | 0 | 0 |',
      '| backup | ✅ created | 1m20s | 4 | 0 | 0 |',
    ]);
    expect(lines).toContain(
      'Critical path (highlighted bars): core-infra → data → app. Failed: red. ◆: skipped. A "(change set)" bar is a change set made early, before the stack waited for its dependencies.',
    );
  });

  it("escapes Markdown in reasons and counts an updated stack's modifications and removals", async () => {
    const dir = await testdir();
    const file = join(dir, 'summary.md');
    await github(
      graphOf(['svc', 'old']),
      timed([
        ev.runStart(['svc', 'old']),
        ev.start('svc'),
        ev.ready('svc', ['Modify', 'Modify', 'Remove', 'Add']),
        ev.executing('svc', 4),
        ev.done('svc', 'updated'),
        ev.start('old'),
        { type: 'stack:changeset', stack: 'old', stackName: 'p-old', phase: 'unchanged', reason: 'same' },
        ev.done('old', 'unchanged'),
        { type: 'run:warning', message: 'a | pipe, <b>html</b> and *stars*' },
        ev.runDone(0, { updated: 1, unchanged: 1 }),
      ]),
      file,
    );
    const text = await readFile(file, 'utf8');
    expect(text).toContain('| svc | ✅ updated | 1s | 1 | 2 | 1 |\n| old | ➖ unchanged | 1s | 0 | 0 | 0 |\n');
    expect(text).toContain('- ⚠️ a \\| pipe, \\<b\\>html\\</b\\> and \\*stars\\*\n');
  });

  it('lists what packaging did per stack: uploaded or already in the bucket', async () => {
    const dir = await testdir();
    const file = join(dir, 'summary.md');
    await github(
      graphOf(['svc']),
      timed([
        ev.runStart(['svc']),
        {
          type: 'stack:packaged',
          stack: 'svc',
          stackName: 'p-svc',
          artifacts: 3,
          files: 7,
          bytes: 5120,
          uploaded: 1,
          uploadedBytes: 2048,
          reused: 2,
          templateByUrl: false,
          durationMs: 300,
        },
        ev.start('svc'),
        ev.ready('svc', ['Modify']),
        ev.executing('svc', 1),
        ev.done('svc', 'updated'),
        ev.runDone(0, { updated: 1 }),
      ]),
      file,
    );
    expect(await readFile(file, 'utf8')).toContain(
      '- 📦 **svc**: packaged 3 artifacts, 7 files: 1 uploaded (2.0 KB), 2 already in the bucket\n',
    );
  });

  it('writes no summary without $GITHUB_STEP_SUMMARY, and warns instead of failing when it cannot', async () => {
    const dir = await testdir();
    const { graph, events } = loadRun('example-run.json');
    await expect(github(graph, events, undefined)).resolves.toBeDefined();
    await mkdir(join(dir, 'a-folder'));
    const lines = await github(graph, events, join(dir, 'a-folder'));
    expect(lines.at(-1)).toMatch(/^::warning title=stackpilot::could not write the job summary to .*a-folder: EISDIR/);
  });
});

describe('the GitHub Actions renderer: a stack whose state is unknown (issue 11)', () => {
  it('an ::error saying so with the command to check it, a ❓ row, the reason under the table; retries stay out', async () => {
    const dir = await testdir();
    const file = join(dir, 'summary.md');
    const reason =
      'its change set was executed, then its state could not be read: DescribeStacks: Throttling: Rate exceeded\n→ check it with: aws cloudformation describe-stacks --stack-name p-data';
    const lines = await github(
      graphOf(['data', 'app'], [['app', 'data']]),
      timed([
        ev.runStart(['data', 'app']),
        ev.start('data'),
        {
          type: 'api:retry',
          stack: 'data',
          stackName: 'p-data',
          operation: 'DescribeStacks',
          attempt: 12,
          delayMs: 9_000,
          error: 'Throttling',
        },
        ev.done('data', 'unknown', { reason }),
        ev.done('app', 'skipped', { reason: 'data unknown' }),
        ev.runDone(1, { unknown: 1, skipped: 1 }),
      ]),
      file,
    );
    expect(lines.filter((l) => l.startsWith('::error'))).toEqual([
      '::error title=data state unknown::its change set was executed, then its state could not be read: DescribeStacks: Throttling: Rate exceeded%0A→ check it with: aws cloudformation describe-stacks --stack-name p-data',
    ]);
    expect(lines.some((l) => l.includes('retrying'))).toBe(false);
    const summary = await readFile(file, 'utf8');
    expect(summary).toContain('2 stacks in 5s: 1 unknown, 1 skipped');
    expect(summary).toContain('| data | ❓ unknown |');
    expect(summary).toContain(
      '- ❓ **data** state unknown: its change set was executed, then its state could not be read: DescribeStacks: Throttling: Rate exceeded → check it with: aws cloudformation describe-stacks --stack-name p-data',
    );
  });
});
