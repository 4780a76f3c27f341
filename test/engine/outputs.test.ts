import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoAnswerError } from '../../src/aws/errors.js';
import { renderOutputsFile } from '../../src/engine/outputs-file.js';
import { deploy, doneOf, makeProject, ofType, stackNameOf, world } from './support.js';

const API = `
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
Outputs:
  ApiUrl:
    Value: https://abc.execute-api.us-east-1.amazonaws.com/prod
  Greeting:
    Value: 'say "hi" to everyone'
`;
const WEB = `
Resources:
  Site:
    Type: AWS::S3::Bucket
Outputs:
  BucketName:
    Value: orders-site
`;

describe('the outputs file (DESIGN step 7)', () => {
  it('renders json, and dotenv with values that need it quoted so a dotenv reader gets them back (no CloudFormation behaviour)', () => {
    const values = {
      API_URL: 'https://x.example/prod?a=1',
      GREETING: 'say "hi" to everyone',
      EMPTY: '',
      SPACED: 'two words',
    };
    expect(JSON.parse(renderOutputsFile('json', values))).toEqual(values);
    expect(renderOutputsFile('json', values).endsWith('\n')).toBe(true);
    expect(renderOutputsFile('dotenv', values)).toBe(
      [
        'API_URL="https://x.example/prod?a=1"',
        'GREETING="say \\"hi\\" to everyone"',
        'EMPTY=',
        'SPACED="two words"',
        '',
      ].join('\n'),
    );
    expect(renderOutputsFile('dotenv', { PLAIN: 'orders-site', PATH: '/a/b.c:d,e' })).toBe(
      'PLAIN=orders-site\nPATH=/a/b.c:d,e\n',
    );
  });

  it('writes every value after the run, as dotenv (§1.1 DescribeStacks Outputs)', async () => {
    const w = world();
    const { project, dir } = await makeProject(
      { api: { template: API }, web: { template: WEB } },
      {
        outputs: {
          file: 'out/stack-outputs.env',
          format: 'dotenv',
          values: {
            API_URL: { stack: 'api', name: 'ApiUrl' },
            GREETING: { stack: 'api', name: 'Greeting' },
            BUCKET: { stack: 'web', name: 'BucketName' },
          },
        },
      },
    );

    const { events } = await deploy(project, w);

    expect(ofType(events, 'run:outputs-file')).toEqual([
      { type: 'run:outputs-file', file: join('out', 'stack-outputs.env'), written: true, missing: [] },
    ]);
    const types = events.map((e) => e.type);
    expect(types.indexOf('run:outputs-file')).toBeGreaterThan(types.lastIndexOf('stack:done'));
    expect(await readFile(join(dir, 'out/stack-outputs.env'), 'utf8')).toBe(
      'API_URL=https://abc.execute-api.us-east-1.amazonaws.com/prod\nGREETING="say \\"hi\\" to everyone"\nBUCKET=orders-site\n',
    );
  });

  it('writes json, reading a stack outside the run from the deployed stack (§1.5 DescribeStacks by name)', async () => {
    const w = world();
    w.fake.seedStack({
      stackName: stackNameOf('web'),
      status: 'UPDATE_COMPLETE',
      templateBody: WEB,
      outputs: { BucketName: 'deployed-bucket' },
    });
    const { project, dir } = await makeProject(
      { api: { template: API }, web: { template: WEB } },
      {
        outputs: {
          file: 'outputs.json',
          format: 'json',
          values: { API_URL: { stack: 'api', name: 'ApiUrl' }, BUCKET: { stack: 'web', name: 'BucketName' } },
        },
      },
    );

    await deploy(project, w, { stacks: ['api'] });

    expect(JSON.parse(await readFile(join(dir, 'outputs.json'), 'utf8'))).toEqual({
      API_URL: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
      BUCKET: 'deployed-bucket',
    });
  });

  it("reads a skipped stack's outputs from the account: it was not deployed in this run, but it is deployed", async () => {
    const w = world();
    w.fake.seedStack({
      stackName: stackNameOf('web'),
      status: 'UPDATE_COMPLETE',
      templateBody: WEB,
      outputs: { BucketName: 'deployed-bucket' },
    });
    const { project, dir } = await makeProject(
      // web has changes to make (else it is unchanged at once, never skipped).
      { base: { template: API }, web: { template: WEB.replace('orders-site', 'orders-site-2'), dependsOn: ['base'] } },
      { outputs: { file: 'outputs.json', format: 'json', values: { BUCKET: { stack: 'web', name: 'BucketName' } } } },
    );
    w.fake.failNextExecution(stackNameOf('base'), 'Api', 'Resource handler returned message: "quota exceeded"');

    const { result, events } = await deploy(project, w);

    expect(doneOf(events, 'web').status).toBe('skipped');
    expect(result.exitCode).toBe(1);
    expect(ofType(events, 'run:outputs-file')).toEqual([
      { type: 'run:outputs-file', file: 'outputs.json', written: true, missing: [] },
    ]);
    expect(JSON.parse(await readFile(join(dir, 'outputs.json'), 'utf8'))).toEqual({ BUCKET: 'deployed-bucket' });
  });

  it('writes nothing when a value is missing, and the event says which (§3.2 create failure: no outputs)', async () => {
    const w = world();
    const { project, dir } = await makeProject(
      { api: { template: API }, web: { template: WEB } },
      {
        outputs: {
          file: 'out/stack-outputs.env',
          format: 'dotenv',
          values: { API_URL: { stack: 'api', name: 'ApiUrl' }, BUCKET: { stack: 'web', name: 'BucketName' } },
        },
      },
    );
    w.fake.failNextExecution(
      stackNameOf('web'),
      'Site',
      'Resource handler returned message: "Bucket name already taken"',
    );

    const { result, events } = await deploy(project, w);

    expect(result.exitCode).toBe(1);
    expect(ofType(events, 'run:outputs-file')).toEqual([
      {
        type: 'run:outputs-file',
        file: join('out', 'stack-outputs.env'),
        written: false,
        missing: ['BUCKET (output BucketName of web)'],
      },
    ]);
    expect(existsSync(join(dir, 'out/stack-outputs.env'))).toBe(false);
  });
  it('ends the run with its summary when a stack outside the run cannot be read for the file (the endpoint stopped answering)', async () => {
    const w = world();
    const { project, dir } = await makeProject(
      { api: { template: API }, web: { template: WEB } },
      {
        outputs: {
          file: 'outputs.json',
          format: 'json',
          values: { API_URL: { stack: 'api', name: 'ApiUrl' }, BUCKET: { stack: 'web', name: 'BucketName' } },
        },
      },
    );
    const cf = w.fake.ports.cloudFormation;
    const silentForWeb: typeof cf = Object.assign(Object.create(cf) as typeof cf, {
      describeStack: (name: string) =>
        name === stackNameOf('web')
          ? Promise.reject(new NoAnswerError('DescribeStacks', 'http://127.0.0.1:9', 60_000))
          : cf.describeStack(name),
    });

    const { result, events } = await deploy(project, w, {
      stacks: ['api'],
      ports: { ...w.fake.ports, cloudFormation: silentForWeb },
    });

    expect(doneOf(events, 'api').status).toBe('created');
    const [file] = ofType(events, 'run:outputs-file');
    expect(file).toMatchObject({ written: false, file: 'outputs.json' });
    expect(file?.error).toContain('the endpoint did not answer within 1m00s: http://127.0.0.1:9');
    expect(ofType(events, 'run:done')).toHaveLength(1);
    expect(result.exitCode).toBe(1);
    expect(existsSync(join(dir, 'outputs.json'))).toBe(false);
  });
});

describe('outputsToSsm', () => {
  it('writes the outputs to SSM after a successful deploy (§1.2: outputs exist once CREATE_COMPLETE)', async () => {
    const w = world();
    const { project } = await makeProject({ api: { template: API, outputsToSsm: { ApiUrl: '/demo/dev/api-url' } } });

    const { events } = await deploy(project, w);

    expect(doneOf(events, 'api').status).toBe('created');
    expect(w.fake.callsOf('putParameter')).toEqual([
      [
        {
          name: '/demo/dev/api-url',
          value: 'https://abc.execute-api.us-east-1.amazonaws.com/prod',
          overwrite: true,
          description: 'output ApiUrl, written by stackpilot',
        },
      ],
    ]);
    expect(w.fake.ssmParameters.get('/demo/dev/api-url')?.value).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/prod',
    );
    const methods = w.fake.calls.map((c) => c.method);
    expect(methods.indexOf('putParameter')).toBeGreaterThan(methods.indexOf('executeChangeSet'));
  });

  it('writes nothing to SSM when the deploy failed (§3.2 create failure)', async () => {
    const w = world();
    const { project } = await makeProject({ api: { template: API, outputsToSsm: { ApiUrl: '/demo/dev/api-url' } } });
    w.fake.failNextExecution(stackNameOf('api'), 'Api', 'Resource handler returned message: "Limit exceeded"');

    await deploy(project, w);

    expect(w.fake.callsOf('putParameter')).toEqual([]);
  });
});
