/**
 * Packaging through the built CLI on the simulator (issue 7): `deploy` packages the example's
 * functions, layer and nested template, uploads them once and reuses them after; an edited
 * handler uploads one zip and updates app only; `stackpilot package` writes the packaged
 * templates; `plan` packages first; a missing bucket or a bad path stops the run before any
 * stack is touched.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const BUCKET = 'orders-dev-artifacts';
const HEX = '[0-9a-f]{64}';
const STACKS = ['core-infra', 'data', 'app', 'backup'];

/** The plain renderer's lines, `HH:MM:SS  <stack>  <text>`, as [stack, text]. */
function lines(stdout: string): [string, string][] {
  return stdout.split('\n').flatMap((raw): [string, string][] => {
    const match = /^\d{2}:\d{2}:\d{2} {2}(\S+) +(.*)$/.exec(raw);
    return match ? [[match[1] ?? '', match[2] ?? '']] : [];
  });
}

function linesOf(stdout: string, stack: string): string[] {
  return lines(stdout)
    .filter(([s]) => s === stack)
    .map(([, text]) => text);
}

function packagedLine(stdout: string): string {
  const found = linesOf(stdout, 'app').filter((t) => t.startsWith('packaged '));
  if (found.length !== 1) throw new Error(`expected one packaged line for app in:\n${stdout}`);
  return found[0] ?? '';
}

interface SavedState {
  stacks: { stackName: string }[];
  changeSets: unknown[];
  buckets?: { name: string; objects: { key: string; size: number }[] }[];
}

async function state(dir: string, file = join(dir, '.stackpilot', 'simulator-state.json')): Promise<SavedState> {
  return JSON.parse(await readFile(file, 'utf8')) as SavedState;
}

function keysIn(saved: SavedState): string[] {
  return (saved.buckets?.find((b) => b.name === BUCKET)?.objects ?? []).map((o) => o.key).sort();
}

describe('stackpilot deploy --simulate --ci: packaging the example', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
  });

  it("uploads app's 4 artifacts on the first run, before app's change set", async () => {
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(packagedLine(r.stdout)).toMatch(/^packaged 4 artifacts, 4 files: 4 uploaded \(\d+(?:\.\d)? (?:B|KB)\)$/);
    // Only app has local code.
    for (const id of ['core-infra', 'data', 'backup'])
      expect(linesOf(r.stdout, id).some((t) => t.startsWith('packaged'))).toBe(false);
    const app = linesOf(r.stdout, 'app');
    expect(app.findIndex((t) => t.startsWith('packaged'))).toBeLessThan(
      app.findIndex((t) => t.startsWith('creating change set')),
    );
    expect(app.some((t) => t.startsWith('created in '))).toBe(true);
    const keys = keysIn(await state(dir));
    expect(keys).toHaveLength(4);
    expect(keys.filter((k) => new RegExp(`^stackpilot/${HEX}\\.zip$`).test(k))).toHaveLength(3);
    expect(keys.filter((k) => new RegExp(`^stackpilot/${HEX}\\.template$`).test(k))).toHaveLength(1);
  });

  it('finds all 4 already in the bucket on the second run, every stack unchanged', async () => {
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(packagedLine(r.stdout)).toMatch(/^packaged 4 artifacts, 4 files: 4 already in the bucket$/);
    for (const id of STACKS) expect(linesOf(r.stdout, id).some((t) => t.startsWith('unchanged in '))).toBe(true);
    expect(linesOf(r.stdout, 'run').at(-1)).toMatch(/^done in .*: 4 unchanged/);
    expect(keysIn(await state(dir))).toHaveLength(4);
  });

  it('after one handler is edited, uploads 1, reuses 3, and updates app only', async () => {
    const before = keysIn(await state(dir));
    const handler = join(dir, 'functions', 'get-order', 'index.py');
    await writeFile(handler, `${await readFile(handler, 'utf8')}\n# edited by the test\n`);
    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(packagedLine(r.stdout)).toMatch(
      /^packaged 4 artifacts, 4 files: 1 uploaded \(\d+(?:\.\d)? (?:B|KB)\), 3 already in the bucket$/,
    );
    expect(linesOf(r.stdout, 'app').some((t) => t.startsWith('updated in '))).toBe(true);
    expect(linesOf(r.stdout, 'app').some((t) => /^\s*~ GetOrderFunction AWS::Lambda::Function/.test(t))).toBe(true);
    expect(linesOf(r.stdout, 'app').some((t) => /^\s*~ CreateOrderFunction /.test(t))).toBe(false);
    for (const id of ['core-infra', 'data', 'backup'])
      expect(linesOf(r.stdout, id).some((t) => t.startsWith('unchanged in '))).toBe(true);
    const after = keysIn(await state(dir));
    expect(after.filter((k) => !before.includes(k))).toHaveLength(1);
    expect(after).toHaveLength(5);
  });
});

describe('stackpilot package --simulate -d out', () => {
  let dir: string;
  let r: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    dir = await copyExample();
    r = await runCli(['package', '--simulate', '-d', 'out'], { cwd: dir });
  });

  it('writes app.yaml with S3 locations for Code and Content and an S3 URL for the nested template', async () => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const app = await readFile(join(dir, 'out', 'app.yaml'), 'utf8');
    const location = new RegExp(`\\{"S3Bucket": "${BUCKET}", "S3Key": "stackpilot/${HEX}\\.zip"\\}`);
    for (const [property, count] of [
      ['Code', 2],
      ['Content', 1],
    ] as const) {
      const found = app.split('\n').filter((line) => new RegExp(`^ +${property}: `).test(line));
      expect(found).toHaveLength(count);
      for (const line of found) expect(line).toMatch(location);
    }
    expect(app).toMatch(
      new RegExp(`TemplateURL: "https://${BUCKET}\\.s3\\.us-east-1\\.amazonaws\\.com/stackpilot/${HEX}\\.template"`),
    );
    // No local path left outside comments.
    expect(
      app
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#') && /\.\.\/(functions|layers)|nested\/alarms/.test(line)),
    ).toEqual([]);
    // Everything else as written: comments kept.
    expect(app).toContain('# app: the orders API');
    expect(r.stdout).toMatch(
      /^app: packaged 4 artifacts, 4 files: 4 uploaded \(\d+(?:\.\d)? (?:B|KB)\) → out\/app\.yaml$/m,
    );
  });

  it('writes the nested template under app.nested/, and the uploaded objects are in the simulated bucket', async () => {
    const nested = await readdir(join(dir, 'out', 'app.nested'));
    expect(nested).toHaveLength(1);
    expect(nested[0]).toMatch(/^alarms-[0-9a-f]{12}\.yaml$/);
    const text = await readFile(join(dir, 'out', 'app.nested', nested[0] ?? ''), 'utf8');
    expect(text).toBe(await readFile(join(dir, 'templates', 'nested', 'alarms.yaml'), 'utf8'));
    const app = await readFile(join(dir, 'out', 'app.yaml'), 'utf8');
    const keys = keysIn(await state(dir));
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(app).toContain(key);
    // The nested copy's name carries the start of its key.
    expect(
      keys.some((k) => k.startsWith(`stackpilot/${nested[0]?.slice('alarms-'.length, 'alarms-'.length + 12) ?? '-'}`)),
    ).toBe(true);
  });

  it('writes the stacks with nothing to package as they are, and deploys nothing', async () => {
    for (const id of ['core-infra', 'data', 'backup']) {
      expect(await readFile(join(dir, 'out', `${id}.yaml`), 'utf8')).toBe(
        await readFile(join(dir, 'templates', `${id}.yaml`), 'utf8'),
      );
      expect(r.stdout).toContain(`${id}: nothing to package → out/${id}.yaml`);
    }
    const saved = await state(dir);
    expect(saved.stacks).toEqual([]);
    expect(saved.changeSets).toEqual([]);
  });
});

describe('stackpilot plan --simulate: packages first', () => {
  it("uploads the artifacts on a fresh account and, once app's upstream stacks exist, shows app's changes", async () => {
    const dir = await copyExample();
    const fresh = await runCli(['plan', '--simulate'], { cwd: dir });
    expect(fresh.code).toBe(0);
    expect(keysIn(await state(dir))).toHaveLength(4);
    expect((await state(dir)).stacks).toEqual([]);

    // app's parameter comes from data's outputs: deploy its upstream stacks, then plan again.
    const upstream = await runCli(['deploy', 'data', '--simulate', '--ci'], { cwd: dir });
    expect(upstream.code).toBe(0);
    expect(lines(upstream.stdout).map(([s]) => s)).not.toContain('app');
    const r = await runCli(['plan', '--simulate'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^app \(orders-dev-app\): create, 13 to add, 0 to modify, 0 to remove$/m);
    for (const [id, type] of [
      ['SharedLayer', 'AWS::Lambda::LayerVersion'],
      ['CreateOrderFunction', 'AWS::Lambda::Function'],
      ['Alarms', 'AWS::CloudFormation::Stack'],
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^ +Add +${id} +${type}`, 'm'));
    }
    expect(keysIn(await state(dir))).toHaveLength(4);
    expect((await state(dir)).stacks.map((s) => s.stackName).sort()).toEqual([
      'orders-dev-core-infra',
      'orders-dev-data',
    ]);
  });
});

describe('stackpilot deploy --simulate: refused before any stack is touched', () => {
  it('a missing artifacts bucket (scenario `buckets: {}`): exit 1, the `aws s3 mb` hint, no stack and no change set', async () => {
    const dir = await copyExample();
    await writeFile(join(dir, 'no-bucket.json'), '{"buckets": {}}\n');
    const r = await runCli(['deploy', '--simulate=no-bucket.json', '--ci'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the artifacts bucket ${BUCKET} does not exist`);
    expect(r.stderr).toContain(`aws s3 mb s3://${BUCKET}`);
    expect(lines(r.stdout)).toEqual([]);
    const stateFile = join(dir, '.stackpilot', 'simulator-state.json');
    if (existsSync(stateFile)) {
      const saved = await state(dir);
      expect(saved.stacks).toEqual([]);
      expect(saved.changeSets).toEqual([]);
    }
    // `package` saves the account even when it fails: still no stack, no bucket, no object.
    const p = await runCli(['package', '--simulate=no-bucket.json', '-d', 'out'], { cwd: dir });
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(`the artifacts bucket ${BUCKET} does not exist`);
    const saved = await state(dir);
    expect(saved.stacks).toEqual([]);
    expect(saved.changeSets).toEqual([]);
    expect(saved.buckets ?? []).toEqual([]);
  });

  it('a path that does not exist and an empty folder: one error with file:line and property path, exit 1, nothing deployed or uploaded', async () => {
    const dir = await copyExample();
    const file = join(dir, 'templates', 'app.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace('Code: ../functions/create-order', 'Code: ../functions/nope')
        .replace('Code: ../functions/get-order', 'Code: ../functions/empty'),
    );
    await mkdir(join(dir, 'functions', 'empty'));
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

    const r = await runCli(['deploy', '--simulate', '--ci'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
    // Found while the project loads (as `validate` finds them) or by packaging: either way one error, two problems.
    expect(r.stderr).toMatch(/^error: 2 problems (in templates\/app\.yaml|with local code and templates):$/m);
    expect(r.stderr).toMatch(
      new RegExp(
        `templates/app\\.yaml:${lineOf('Code: ../functions/create-order')}:\\d+: Resources\\.CreateOrderFunction\\.Properties\\.Code: \`\\.\\./functions/nope\` does not exist`,
      ),
    );
    expect(r.stderr).toMatch(
      new RegExp(
        `templates/app\\.yaml:${lineOf('Code: ../functions/get-order')}:\\d+: Resources\\.GetOrderFunction\\.Properties\\.Code: \`\\.\\./functions/empty\` is an empty folder`,
      ),
    );
    expect(lines(r.stdout)).toEqual([]);
    const stateFile = join(dir, '.stackpilot', 'simulator-state.json');
    if (existsSync(stateFile)) {
      const saved = await state(dir);
      expect(saved.stacks).toEqual([]);
      expect(keysIn(saved)).toEqual([]);
    }
  });
});
