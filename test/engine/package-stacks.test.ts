/**
 * packageStacks (issue 7): what is checked before any stack is touched (local paths, the
 * artifacts bucket, writing to it), reuse of content-hash keys across runs, one upload for an
 * artifact two stacks share (both wait for it), and a template over 51,200 bytes going to the
 * simulator by TemplateURL.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { CreateChangeSetInput, S3Port } from '../../src/aws/ports.js';
import { DeployError } from '../../src/engine/deploy-errors.js';
import { packageStacks, TEMPLATE_BODY_LIMIT } from '../../src/engine/package-stacks.js';
import type { Packaging, StackPackaging } from '../../src/engine/package-stacks.js';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { loadProject } from '../../src/graph/load-project.js';
import type { Project } from '../../src/graph/load-project.js';
import { copyExample } from '../helpers/example-project.js';
import { MemoryS3 } from '../helpers/memory-s3.js';
import { eventsOf, outcomes, simDeploy, simWorld } from '../scheduler/support.js';
import type { SimWorld } from '../scheduler/support.js';
import { makeProject } from './support.js';
import type { StackDef } from './support.js';

const BUCKET = 'demo-artifacts';
const ZIP_KEY = /^stackpilot\/[0-9a-f]{64}\.zip$/;
const ZIP_KEY_IN_BODY = /"S3Key": "stackpilot\/[0-9a-f]{64}\.zip"/;

/** makeProject with the config's `artifacts` set (makeProject leaves it unset). */
async function projectWith(
  stacks: Record<string, StackDef>,
  options: { artifacts?: boolean; files?: Record<string, string>; dirs?: string[] } = {},
): Promise<{ project: Project; dir: string }> {
  const { project, dir } = await makeProject(stacks);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  for (const name of options.dirs ?? []) await mkdir(join(dir, name), { recursive: true });
  if (options.artifacts === false) return { project, dir };
  return {
    project: { ...project, config: { ...project.config, artifacts: { bucket: BUCKET, prefix: 'stackpilot' } } },
    dir,
  };
}

const functionTemplate = (code: string, logicalId = 'Fn'): string => `Resources:
  ${logicalId}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: ${code}
`;

const plainTemplate = (logicalId: string): string =>
  `Resources:\n  ${logicalId}:\n    Type: AWS::CloudFormation::WaitConditionHandle\n`;

/** `n` bytes that do not compress much: a zip of them stays larger than a one-line handler's. */
const noise = (n: number): string =>
  Array.from({ length: Math.ceil(n / 64) }, (_, i) => createHash('sha256').update(String(i)).digest('hex'))
    .join('\n')
    .slice(0, n);

const ids = (project: Project): string[] => project.config.stacks.map((s) => s.id);

function packagingOf(packaging: Packaging, id: string): StackPackaging {
  const p = packaging.of(id);
  if (!p) throw new Error(`${id} has nothing packaged`);
  return p;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** Whether the promise has settled, after letting every pending microtask and timer run. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('packageStacks: nothing to package', () => {
  it('gives no packaging for any stack and makes no S3 call when no template names a local path', async () => {
    const { project } = await projectWith({
      a: { template: plainTemplate('A') },
      b: { template: functionTemplate('{ S3Bucket: other, S3Key: fn.zip }') },
    });
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } });
    const packaging = await packageStacks({ project, stacks: ids(project), s3 });
    expect(packaging.of('a')).toBeUndefined();
    expect(packaging.of('b')).toBeUndefined();
    await packaging.settled();
    expect(s3.calls).toEqual([]);
  });

  it('does not need an artifacts bucket then', async () => {
    const { project } = await projectWith({ a: { template: plainTemplate('A') } }, { artifacts: false });
    const s3 = new MemoryS3();
    const packaging = await packageStacks({ project, stacks: ids(project), s3 });
    expect(packaging.of('a')).toBeUndefined();
    expect(s3.calls).toEqual([]);
  });
});

describe('packageStacks: refused before any stack is touched', () => {
  it('names the stack, resource, property and the `artifacts` option when a local path has no bucket to go to', async () => {
    const { project } = await projectWith(
      { plain: { template: plainTemplate('A') }, api: { template: functionTemplate('../code/fn', 'Handler') } },
      { artifacts: false, files: { 'code/fn/index.js': 'exports.handler = () => 1;\n' } },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } });
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.code).toBe('NO_ARTIFACTS_BUCKET');
    expect(v.problems).toHaveLength(1);
    const problem = v.problems[0];
    expect(problem?.stack).toBe('api');
    expect(problem?.message).toContain('Handler.Code');
    expect(problem?.message).toContain('../code/fn');
    expect(problem?.hint).toContain('artifacts: { bucket:');
    expect(problem?.location?.file).toContain('api.yaml');
    expect(problem?.location?.line).toBe(8);
    expect(v.message).toContain('1 stack needs packaging');
    expect(s3.calls).toEqual([]);
  });

  it('asks for `artifacts` for a template over 51,200 bytes too, even with no local path in it', async () => {
    const { project } = await projectWith({ big: { template: bigTemplate(200) } }, { artifacts: false });
    const s3 = new MemoryS3();
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => [p.stack, p.message])).toEqual([
      [
        'big',
        `the template is over ${TEMPLATE_BODY_LIMIT} bytes, so it must go through S3, and no artifacts bucket is configured`,
      ],
    ]);
    expect(s3.calls).toEqual([]);
  });

  it('says the bucket does not exist, with the `aws s3 mb` hint, and uploads nothing', async () => {
    const { project } = await projectWith(
      { api: { template: functionTemplate('../code/fn') } },
      { files: { 'code/fn/index.js': 'x\n' } },
    );
    const s3 = new MemoryS3();
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /stacks\.config\.ts: the artifacts bucket demo-artifacts does not exist$/,
    );
    expect((error as ConfigError).hint).toContain(`aws s3 mb s3://${BUCKET}`);
    expect(s3.callsOf('PutObject')).toEqual([]);
    expect(s3.callsOf('HeadObject')).toEqual([]);
  });

  it('says the bucket cannot be read when HeadBucket is refused (403)', async () => {
    const { project } = await projectWith(
      { api: { template: functionTemplate('../code/fn') } },
      { files: { 'code/fn/index.js': 'x\n' } },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } }).denyBucket(BUCKET);
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /stacks\.config\.ts: the artifacts bucket demo-artifacts cannot be read with these credentials \(AccessDenied\)$/,
    );
    expect(s3.callsOf('PutObject')).toEqual([]);
  });

  it('says the bucket cannot be written when the first (smallest) upload gets 403, from packageStacks itself', async () => {
    const { project } = await projectWith(
      {
        api: {
          template: `${functionTemplate('../code/big')}  Small:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ../code/small\n`,
        },
      },
      {
        files: { 'code/big/index.js': 'x'.repeat(5000) + '\n', 'code/big/lib.js': 'y\n', 'code/small/index.js': 'z\n' },
      },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } }).denyWrites(BUCKET);
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ConfigError);
    const c = error as ConfigError;
    expect(c.message).toMatch(
      /stacks\.config\.ts: the artifacts bucket demo-artifacts cannot be written with these credentials \(AccessDenied\)$/,
    );
    expect(c.hint).toContain('s3:PutObject');
    expect(c.hint).toContain('nothing was deployed');
    // One PUT tried, the smaller zip: the rest never start.
    const puts = s3.callsOf('PutObject');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.bytes).toBeLessThan(200);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  it('says so for a port double whose putObject throws AccessDenied 403 (as the SDK adapter maps it)', async () => {
    const { project } = await projectWith(
      { api: { template: functionTemplate('../code/fn') } },
      { files: { 'code/fn/index.js': 'x\n' } },
    );
    const puts: string[] = [];
    const s3: S3Port = {
      bucketRegion: () => Promise.resolve('eu-west-1'),
      objectExists: () => Promise.resolve(false),
      putObject: (input) => {
        puts.push(input.key);
        return Promise.reject(new AwsError('PutObject', 'AccessDenied', 'Access Denied', 403));
      },
    };
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('cannot be written');
    expect(puts).toHaveLength(1);
  });

  it('lists every bad path of every stack in one error (missing folder, empty folder), with file:line and property path, and uploads nothing', async () => {
    const { project } = await projectWith(
      {
        one: { template: functionTemplate('../code/nope', 'CreateOrderFunction') },
        two: { template: functionTemplate('../code/empty', 'GetOrderFunction') },
      },
      { dirs: ['code/empty'] },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } });
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.problems.map((p) => [p.stack, p.path])).toEqual([
      ['one', 'Resources.CreateOrderFunction.Properties.Code'],
      ['two', 'Resources.GetOrderFunction.Properties.Code'],
    ]);
    expect(v.problems[0]?.message).toContain('does not exist');
    expect(v.problems[1]?.message).toContain('empty folder');
    expect(v.message).toMatch(/one\.yaml:8:\d+: Resources\.CreateOrderFunction\.Properties\.Code/);
    expect(s3.callsOf('PutObject')).toEqual([]);
  });
});

describe('packageStacks: content-hash reuse on the example system', () => {
  it('uploads everything once, nothing the second time, and exactly one object after one handler is edited', async () => {
    const dir = await copyExample();
    const load = (): Promise<Project> => loadProject({ cwd: dir, command: 'deploy' });
    const s3 = new MemoryS3({ 'orders-dev-artifacts': { region: 'us-east-1' } });

    const project1 = await load();
    const first = await packageStacks({ project: project1, stacks: ids(project1), s3 });
    for (const id of ['core-infra', 'data', 'backup']) expect(first.of(id)).toBeUndefined();
    const app1 = packagingOf(first, 'app');
    const stats1 = await app1.stats;
    const body1 = (await app1.ready).body;
    await first.settled();
    expect(stats1).toMatchObject({ artifacts: 4, files: 4, uploaded: 4, reused: 0, templateByUrl: false });
    expect(stats1.uploadedBytes).toBe(s3.uploadedBytes);
    expect(stats1.bytes).toBe(stats1.uploadedBytes);
    const keys1 = s3.keys('orders-dev-artifacts');
    expect(keys1).toHaveLength(4);
    expect(keys1.filter((k) => ZIP_KEY.test(k))).toHaveLength(3);
    expect(app1.nested).toHaveLength(1);
    expect(body1).toContain(app1.nested[0]?.url);

    s3.calls.length = 0;
    const second = await packageStacks({ project: await load(), stacks: ids(project1), s3 });
    const app2 = packagingOf(second, 'app');
    const stats2 = await app2.stats;
    expect(stats2).toMatchObject({ artifacts: 4, files: 4, uploaded: 0, uploadedBytes: 0, reused: 4 });
    // Found by their source hash, the 3 zips are not made again: only the nested template's bytes are in hand.
    expect(app2.artifacts.filter((a) => a.kind === 'zip').map((a) => [a.zipped, a.bytes])).toEqual([
      [false, 0],
      [false, 0],
      [false, 0],
    ]);
    expect(stats2.bytes).toBe(Buffer.byteLength(app2.nested[0]?.body ?? ''));
    expect((await app2.ready).body).toBe(body1);
    await second.settled();
    expect(s3.callsOf('PutObject')).toEqual([]);
    expect(s3.callsOf('HeadObject')).toHaveLength(4);

    const handler = join(dir, 'functions', 'get-order', 'index.py');
    await writeFile(handler, `${await readFile(handler, 'utf8')}\n# edited\n`);
    s3.calls.length = 0;
    const third = await packageStacks({ project: await load(), stacks: ids(project1), s3 });
    const app3 = packagingOf(third, 'app');
    const stats3 = await app3.stats;
    const body3 = (await app3.ready).body;
    await third.settled();
    expect(stats3).toMatchObject({ artifacts: 4, uploaded: 1, reused: 3 });
    const puts = s3.callsOf('PutObject');
    expect(puts).toHaveLength(1);
    expect(stats3.uploadedBytes).toBe(puts[0]?.bytes);
    expect(app3.artifacts.filter((a) => a.zipped).map((a) => a.logicalId)).toEqual(['GetOrderFunction']);
    const added = s3.keys('orders-dev-artifacts').filter((k) => !keys1.includes(k));
    expect(added).toEqual([puts[0]?.key]);
    // The only change in the packaged template is GetOrderFunction's S3Key.
    const lines1 = body1.split('\n');
    const changed = body3.split('\n').filter((line, i) => line !== lines1[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain(`"S3Key": "${added[0] ?? ''}"`);
    expect(app3.artifacts.find((a) => a.key === added[0])?.logicalId).toBe('GetOrderFunction');
    for (const id of ['core-infra', 'data', 'backup']) expect(third.of(id)).toBeUndefined();
  });
});

describe('packageStacks: an artifact two stacks share', () => {
  it('is uploaded once, and both stacks are ready only when it is in the bucket', async () => {
    const layer = (extra = ''): string => `Resources:
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: ../code/shared
${extra}`;
    const { project } = await projectWith(
      {
        a: { template: layer('  Tiny:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ../code/tiny\n') },
        b: { template: layer() },
      },
      { files: { 'code/shared/python/lib.py': noise(4000), 'code/tiny/index.py': 'def handler(e, c): pass\n' } },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } });
    const release = { hold: (): void => undefined };
    // The write check (the tiny zip) goes through; the shared layer's upload is then held.
    const original = s3.putObject.bind(s3);
    let putsSeen = 0;
    s3.putObject = (input) => {
      putsSeen += 1;
      if (putsSeen === 1) {
        const result = original(input);
        release.hold = s3.holdPuts();
        return result;
      }
      return original(input);
    };
    const packaging = await packageStacks({ project, stacks: ids(project), s3 });
    const a = packagingOf(packaging, 'a');
    const b = packagingOf(packaging, 'b');
    expect(await settledYet(a.ready)).toBe(false);
    expect(await settledYet(b.ready)).toBe(false);
    const sharedKey = a.artifacts.find((x) => x.logicalId === 'Layer')?.key;
    expect(b.artifacts[0]?.key).toBe(sharedKey);
    // The write check was the tiny zip; the shared one is the upload still held.
    expect(s3.callsOf('PutObject')[0]?.key).toBe(a.artifacts.find((x) => x.logicalId === 'Tiny')?.key);
    expect(s3.object(BUCKET, sharedKey ?? '')).toBeUndefined();

    release.hold();
    const [readyA, readyB] = await Promise.all([a.ready, b.ready]);
    expect(readyA.body).toContain(`S3Key": "${sharedKey ?? ''}"`);
    expect(readyB.body).toContain(`S3Key": "${sharedKey ?? ''}"`);
    expect(s3.object(BUCKET, sharedKey ?? '')).toBeDefined();
    expect(
      s3
        .callsOf('PutObject')
        .map((c) => c.key)
        .filter((k) => k === sharedKey),
    ).toHaveLength(1);
    expect(s3.callsOf('PutObject')).toHaveLength(2);
    // The one upload counts once: for the stack that queued it; the other reuses it.
    const [statsA, statsB] = await Promise.all([a.stats, b.stats]);
    expect(statsA.uploaded + statsB.uploaded).toBe(2);
    expect(statsB).toMatchObject({ uploaded: 0, uploadedBytes: 0, reused: 1 });
  });
});

describe('packageStacks: a background upload that fails', () => {
  it('fails only the stacks that need the object, with the bucket named, after the write check passed', async () => {
    const { project } = await projectWith(
      { a: { template: functionTemplate('../code/small') }, b: { template: functionTemplate('../code/big') } },
      { files: { 'code/small/index.py': 'x = 1\n', 'code/big/index.py': noise(3000) } },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } });
    const original = s3.putObject.bind(s3);
    s3.putObject = (input) =>
      s3.callsOf('PutObject').length === 0 ? original(input) : Promise.reject(new Error('socket hang up'));
    const packaging = await packageStacks({ project, stacks: ids(project), s3 });
    expect((await packagingOf(packaging, 'a').ready).body).toMatch(ZIP_KEY_IN_BODY);
    const error = await rejection(packagingOf(packaging, 'b').ready);
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).code).toBe('UPLOAD_FAILED');
    expect((error as DeployError).message).toBe(`could not upload b's artifacts to s3://${BUCKET}: socket hang up`);
    await expect(packagingOf(packaging, 'b').stats).rejects.toBe(error);
    await packaging.settled();
  });
});

/** A template over 51,200 bytes: WaitConditionHandles with long Metadata. */
function bigTemplate(resources: number): string {
  const lines = ['Description: a template too large for TemplateBody', 'Resources:'];
  for (let i = 0; i < resources; i += 1) {
    lines.push(
      `  Handle${i}:`,
      '    Type: AWS::CloudFormation::WaitConditionHandle',
      '    Metadata:',
      `      Note: '${'n'.repeat(240)}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The world with the simulator's CreateChangeSet inputs recorded. */
function recordingChangeSets(world: SimWorld): { world: SimWorld; inputs: CreateChangeSetInput[] } {
  const inputs: CreateChangeSetInput[] = [];
  const cf = world.sim.ports.cloudFormation;
  const ports = {
    ...world.sim.ports,
    cloudFormation: {
      ...cf,
      createChangeSet: (input: CreateChangeSetInput) => {
        inputs.push(input);
        return cf.createChangeSet(input);
      },
    },
  };
  return { world: { ...world, sim: { ...world.sim, ports } }, inputs };
}

describe('packageStacks: a template over 51,200 bytes', () => {
  it('goes to S3 and the simulator makes the change set from the object; a redeploy uploads nothing and is unchanged', async () => {
    const template = bigTemplate(200);
    expect(Buffer.byteLength(template)).toBeGreaterThan(TEMPLATE_BODY_LIMIT);
    const { project } = await projectWith({ small: { template: plainTemplate('A') }, big: { template } });
    const base = simWorld(project);
    base.sim.inspect.createBucket(BUCKET, 'us-east-1');
    const { world, inputs } = recordingChangeSets(base);

    const packaging = await packageStacks({
      project,
      stacks: ids(project),
      s3: world.sim.ports.s3,
      clock: world.clock,
    });
    expect(packaging.of('small')).toBeUndefined();
    const big = packagingOf(packaging, 'big');
    const run = await simDeploy(world, { packaging });
    expect(outcomes(run.result)).toEqual({ small: 'created', big: 'created' });

    const ready = await big.ready;
    expect(ready.templateUrl).toMatch(
      /^https:\/\/demo-artifacts\.s3\.us-east-1\.amazonaws\.com\/stackpilot\/[0-9a-f]{64}\.template$/,
    );
    const key = ready.templateUrl?.split('.amazonaws.com/')[1] ?? '';
    expect(world.sim.inspect.s3Object(BUCKET, key)?.text).toBe(template);
    const bigInput = inputs.find((i) => i.stackName === 'demo-dev-big');
    expect(bigInput?.templateUrl).toBe(ready.templateUrl);
    expect(bigInput?.templateBody).toBeUndefined();
    expect(inputs.find((i) => i.stackName === 'demo-dev-small')?.templateBody).toBe(plainTemplate('A'));
    const packaged = eventsOf(run.log, 'stack:packaged');
    expect(packaged.map((r) => r.event.stack)).toEqual(['big']);
    expect(packaged[0]?.event).toMatchObject({
      artifacts: 0,
      uploaded: 1,
      reused: 0,
      templateByUrl: true,
      bytes: Buffer.byteLength(template),
    });
    expect(world.sim.inspect.stack('demo-dev-big')?.status).toBe('CREATE_COMPLETE');

    const puts = world.sim.inspect.s3Calls().filter((c) => c.operation === 'PutObject').length;
    const again = await packageStacks({ project, stacks: ids(project), s3: world.sim.ports.s3, clock: world.clock });
    const rerun = await simDeploy(world, { packaging: again });
    expect(outcomes(rerun.result)).toEqual({ small: 'unchanged', big: 'unchanged' });
    expect(eventsOf(rerun.log, 'stack:packaged')[0]?.event).toMatchObject({
      uploaded: 0,
      reused: 1,
      templateByUrl: true,
    });
    expect(world.sim.inspect.s3Calls().filter((c) => c.operation === 'PutObject')).toHaveLength(puts);
  });
});

describe('packageStacks: a template over 1 MB (issue 11)', () => {
  it('is refused on its packaged size before anything is uploaded, for any stack', async () => {
    const template = bigTemplate(8_000);
    expect(Buffer.byteLength(template)).toBeGreaterThan(2_000_000);
    const { project } = await projectWith(
      { api: { template: functionTemplate('../code/fn') }, huge: { template } },
      { files: { 'code/fn/index.js': 'exports.handler = () => 1;\n' } },
    );
    const s3 = new MemoryS3({ [BUCKET]: { region: 'us-east-1' } });
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3 }));
    expect(error).toBeInstanceOf(ValidationError);
    const problem = (error as ValidationError).problems[0];
    expect(problem?.stack).toBe('huge');
    expect(problem?.message).toBe(
      `the template is ${Buffer.byteLength(template).toLocaleString('en-US')} bytes, over CloudFormation's limit of 1,048,576 bytes (1 MB) for a template in S3`,
    );
    expect(problem?.location?.file).toContain('huge.yaml');
    expect(s3.calls.filter((c) => c.operation === 'PutObject')).toEqual([]);
  });

  it('says so, not "configure a bucket", when there is no artifacts bucket', async () => {
    const { project } = await projectWith({ huge: { template: bigTemplate(8_000) } }, { artifacts: false });
    const error = await rejection(packageStacks({ project, stacks: ids(project), s3: new MemoryS3() }));
    expect((error as ValidationError).problems[0]?.message).toMatch(/over CloudFormation's limit of 1,048,576 bytes/);
  });
});
