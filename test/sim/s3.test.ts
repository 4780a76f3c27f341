/** The simulated account's S3 (SIMULATOR.md "S3"): buckets, objects, TemplateURL reads, saved state. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { CreateChangeSetInput } from '../../src/aws/ports.js';
import { parseScenario, parseS3Url, resolveScenario, stateTime } from '../../src/sim/index.js';
import { deploy, readyChangeSet, setup, template } from './support.js';

const BUCKET = 'orders-dev-artifacts';
const TOPIC = template({ Topic: 'AWS::SNS::Topic' });
const URL_OF = (key: string): string => `https://${BUCKET}.s3.us-east-1.amazonaws.com/${key}`;

function changeSet(input: Partial<CreateChangeSetInput>): CreateChangeSetInput {
  return {
    stackName: 'app',
    changeSetName: 'first',
    changeSetType: 'CREATE',
    parameters: [],
    tags: {},
    capabilities: [],
    clientToken: 't',
    ...input,
  };
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

describe('parseS3Url', () => {
  it('reads the virtual-hosted and path-style forms CloudFormation takes', () => {
    expect(parseS3Url('https://b.s3.eu-west-1.amazonaws.com/a/b.yaml')).toEqual({
      bucket: 'b',
      key: 'a/b.yaml',
      region: 'eu-west-1',
    });
    expect(parseS3Url('https://my.dotted.bucket.s3.us-east-1.amazonaws.com/k')).toEqual({
      bucket: 'my.dotted.bucket',
      key: 'k',
      region: 'us-east-1',
    });
    expect(parseS3Url('https://b.s3.amazonaws.com/k')).toEqual({ bucket: 'b', key: 'k' });
    expect(parseS3Url('https://s3.eu-west-1.amazonaws.com/b/a/k.json')).toEqual({
      bucket: 'b',
      key: 'a/k.json',
      region: 'eu-west-1',
    });
    expect(parseS3Url('https://s3-eu-west-1.amazonaws.com/b/k')).toEqual({
      bucket: 'b',
      key: 'k',
      region: 'eu-west-1',
    });
    expect(parseS3Url('https://s3.amazonaws.com/b/k')).toEqual({ bucket: 'b', key: 'k' });
  });

  it('refuses what is not an S3 object URL', () => {
    for (const url of [
      'http://b.s3.amazonaws.com/k',
      'https://example.com/k',
      'https://b.s3.amazonaws.com/',
      'https://s3.amazonaws.com/b',
      'templates/app.yaml',
    ]) {
      expect([url, parseS3Url(url)]).toEqual([url, undefined]);
    }
  });
});

describe('simulated S3 through the ports', () => {
  it('answers HeadBucket with the region, NoSuchBucket for a missing bucket', async () => {
    const s = setup({ buckets: { [BUCKET]: { region: 'eu-west-1' } } });
    await expect(s.sim.ports.s3.bucketRegion(BUCKET)).resolves.toBe('eu-west-1');
    const error = await rejection(s.sim.ports.s3.bucketRegion('nope'));
    expect([error.awsCode, error.httpStatus, error.serviceMessage]).toEqual([
      'NoSuchBucket',
      404,
      'The specified bucket does not exist: nope',
    ]);
  });

  it('stores objects by key; HeadObject is false for a missing one; PutObject to a missing bucket fails', async () => {
    const s = setup({ buckets: { [BUCKET]: { region: 'us-east-1' } } });
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe]);
    await expect(s.sim.ports.s3.objectExists(BUCKET, 'code/abc.zip')).resolves.toBe(false);
    await s.sim.ports.s3.putObject({ bucket: BUCKET, key: 'code/abc.zip', body: zip, contentType: 'application/zip' });
    await expect(s.sim.ports.s3.objectExists(BUCKET, 'code/abc.zip')).resolves.toBe(true);
    expect(s.sim.inspect.s3Object(BUCKET, 'code/abc.zip')).toEqual({
      size: 6,
      sha256: createHash('sha256').update(zip).digest('hex'),
      contentType: 'application/zip',
    });
    expect((await rejection(s.sim.ports.s3.putObject({ bucket: 'nope', key: 'k', body: zip }))).awsCode).toBe(
      'NoSuchBucket',
    );
    expect(s.sim.inspect.s3Calls().map((c) => [c.operation, c.key ?? '', c.bytes ?? 0])).toEqual([
      ['HeadObject', 'code/abc.zip', 0],
      ['PutObject', 'code/abc.zip', 6],
      ['HeadObject', 'code/abc.zip', 0],
      ['PutObject', 'k', 6],
    ]);
    // S3 calls are not CloudFormation calls: not throttled with them, not in their log.
    expect(s.sim.stats().totalCalls).toBe(0);
  });

  it('is never throttled by the scenario rate', async () => {
    const s = setup({ scenario: { throttle: { rate: 0.9 } }, buckets: { [BUCKET]: { region: 'us-east-1' } } });
    for (let i = 0; i < 20; i += 1)
      await s.sim.ports.s3.putObject({ bucket: BUCKET, key: `k${i}`, body: new Uint8Array([i]) });
    expect(s.sim.inspect.buckets()[0]?.keys).toHaveLength(20);
  });
});

describe('CreateChangeSet with a TemplateURL', () => {
  it("reads the template from the account's S3 (both URL styles) and deploys it", async () => {
    const s = setup({ buckets: { [BUCKET]: { region: 'us-east-1' } } });
    await s.sim.ports.s3.putObject({
      bucket: BUCKET,
      key: 'templates/app.yaml',
      body: new TextEncoder().encode(TOPIC),
      contentType: 'text/yaml',
    });
    const ref = await s.cf.createChangeSet(changeSet({ templateUrl: URL_OF('templates/app.yaml') }));
    const described = await readyChangeSet(s, ref.changeSetId);
    expect(described.changes.map((c) => [c.action, c.logicalId])).toEqual([['Add', 'Topic']]);
    // The stack holds the template it read, so a body-sent deploy of the same text is no change.
    await deploy(s, 'app', TOPIC);
    expect(await s.cf.getTemplate('app')).toBe(TOPIC);

    const pathStyle = await s.cf.createChangeSet(
      changeSet({
        changeSetName: 'again',
        changeSetType: 'UPDATE',
        templateUrl: `https://s3.us-east-1.amazonaws.com/${BUCKET}/templates/app.yaml`,
      }),
    );
    expect((await readyChangeSet(s, pathStyle.changeSetId)).status).toBe('FAILED');
  });

  it("refuses a missing object, a missing bucket, a non-S3 URL, both or neither of body and URL, in CloudFormation's words", async () => {
    const s = setup({ buckets: { [BUCKET]: { region: 'us-east-1' } } });
    const refused = async (input: Partial<CreateChangeSetInput>): Promise<string> => {
      const error = await rejection(s.cf.createChangeSet(changeSet(input)));
      expect(error.awsCode).toBe('ValidationError');
      return error.serviceMessage;
    };
    const more = ' For more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html';
    expect(await refused({ templateUrl: URL_OF('templates/missing.yaml') })).toBe(
      `S3 error: The specified key does not exist.${more}`,
    );
    expect(await refused({ templateUrl: 'https://other-bucket.s3.us-east-1.amazonaws.com/t.yaml' })).toBe(
      `S3 error: The specified bucket does not exist${more}`,
    );
    expect(await refused({ templateUrl: 'https://example.com/t.yaml' })).toBe('TemplateURL must be an Amazon S3 URL.');
    expect(await refused({ templateBody: TOPIC, templateUrl: URL_OF('t.yaml') })).toBe(
      'You cannot specify both Template URL and Template Body.',
    );
    expect(await refused({})).toBe('Either Template URL or Template Body must be specified.');
    // Nothing was made: no REVIEW_IN_PROGRESS stack left behind.
    expect(s.sim.inspect.stack('app')).toBeUndefined();
  });

  it('refuses a binary object as a template', async () => {
    const s = setup({ buckets: { [BUCKET]: { region: 'us-east-1' } } });
    s.sim.inspect.putS3Object(BUCKET, 'code.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff]));
    const error = await rejection(s.cf.createChangeSet(changeSet({ templateUrl: URL_OF('code.zip') })));
    expect(error.serviceMessage).toBe('Template format error: unsupported structure.');
  });
});

describe('buckets in the scenario and the saved state', () => {
  it('takes `buckets` from a scenario file', () => {
    const file = parseScenario(JSON.stringify({ buckets: { [BUCKET]: { region: 'eu-west-1' } } }), 'scenario.json');
    const s = setup({ scenario: resolveScenario(file, new Map()) });
    expect(s.sim.inspect.buckets()).toEqual([{ name: BUCKET, region: 'eu-west-1', keys: [] }]);
  });

  it('refuses a bucket name S3 would refuse, and a bucket without a region', () => {
    expect(() => parseScenario(JSON.stringify({ buckets: { Bad_Name: { region: 'us-east-1' } } }), 's.json')).toThrow(
      /invalid simulator scenario/,
    );
    expect(() => parseScenario(JSON.stringify({ buckets: { [BUCKET]: {} } }), 's.json')).toThrow(
      /invalid simulator scenario/,
    );
  });

  it('keeps buckets and objects through export and import: template text, and only size and hash for binaries', async () => {
    const first = setup({ buckets: { [BUCKET]: { region: 'us-east-1' } } });
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xc3, 0x28]);
    await first.sim.ports.s3.putObject({
      bucket: BUCKET,
      key: 'templates/app.yaml',
      body: new TextEncoder().encode(TOPIC),
    });
    await first.sim.ports.s3.putObject({
      bucket: BUCKET,
      key: 'code/abc.zip',
      body: zip,
      contentType: 'application/zip',
    });
    const state = JSON.parse(JSON.stringify(first.sim.exportState())) as {
      time: number;
      buckets: { objects: { key: string; text?: string }[] }[];
    };
    expect(state.buckets[0]?.objects.map((o) => [o.key, o.text !== undefined])).toEqual([
      ['templates/app.yaml', true],
      ['code/abc.zip', false],
    ]);

    // The scenario names the bucket again: the saved objects stay.
    const second = setup({ state, start: stateTime(state), buckets: { [BUCKET]: { region: 'us-east-1' } } });
    expect(second.sim.inspect.buckets()).toEqual([
      { name: BUCKET, region: 'us-east-1', keys: ['code/abc.zip', 'templates/app.yaml'] },
    ]);
    expect(second.sim.inspect.s3Object(BUCKET, 'code/abc.zip')).toEqual(
      first.sim.inspect.s3Object(BUCKET, 'code/abc.zip'),
    );
    await expect(second.sim.ports.s3.objectExists(BUCKET, 'code/abc.zip')).resolves.toBe(true);
    const ref = await second.cf.createChangeSet(changeSet({ templateUrl: URL_OF('templates/app.yaml') }));
    expect((await readyChangeSet(second, ref.changeSetId)).status).toBe('CREATE_COMPLETE');
  });

  it('still loads a state saved before buckets existed', () => {
    const old = JSON.parse(JSON.stringify(setup().sim.exportState())) as Record<string, unknown>;
    delete old.buckets;
    expect(setup({ state: old }).sim.inspect.buckets()).toEqual([]);
  });
});
