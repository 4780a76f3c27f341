// How resolveConfig turns the config into one stage's resolved stacks: the stage, the region,
// stage overrides, naming, and the defaults every stack gets.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_NAME, DEFAULT_STAGE } from '../../src/config/resolve-config.js';
import { at, CONFIG, configOf, projectDir, resolveIn, stackOf } from './fixtures.js';

/** A config using every stage override; the source is only needed where lines are asserted. */
function ordersConfig(): Record<string, unknown> {
  return {
    project: 'orders',
    region: 'us-east-1',
    defaults: {
      capabilities: ['CAPABILITY_IAM'],
      tags: { team: 'core', cost: 'shared' },
    },
    stacks: {
      data: {
        template: 'templates/data.yaml',
        parameters: { Size: 'small', Retain: 'no' },
        tags: { tier: 'data' },
        stateful: true,
      },
      app: {
        template: 'templates/app.yaml',
        dependsOn: ['data'],
        parameters: { Bucket: { output: { stack: 'data', name: 'BucketName' } } },
        capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        tags: { team: 'api' },
        terminationProtection: false,
        timeoutMinutes: 30,
      },
    },
    stages: {
      prod: {
        region: 'eu-west-1',
        stackName: '${project}-${id}-${stage}',
        defaults: { terminationProtection: true, tags: { cost: 'prod', env: 'production' } },
        stacks: {
          data: { parameters: { Size: 'large' }, tags: { backup: 'daily' } },
          app: { template: 'templates/app-prod.yaml', dependsOn: [], stackName: 'orders-api' },
        },
        outputs: {
          file: 'prod.env',
          format: 'dotenv',
          values: { BUCKET: { output: { stack: 'data', name: 'BucketName' } } },
        },
      },
    },
    outputs: { file: '.stackpilot/outputs.json', values: { API_URL: { output: { stack: 'app', name: 'ApiUrl' } } } },
  };
}

describe('resolveConfig: the stage', () => {
  it("is 'dev' when neither the config nor the options give one", async () => {
    const dir = await projectDir();

    const config = configOf(
      resolveIn(dir, { project: 'orders', stacks: { app: { template: 'templates/app.yaml' } } }, ''),
    );

    expect(DEFAULT_STAGE).toBe('dev');
    expect(config.stage).toBe('dev');
    expect(stackOf(config, 'app').stackName).toBe('orders-dev-app');
  });

  it("is the config's stage when given, and options.stage (--stage) wins over it", async () => {
    const dir = await projectDir();
    const value = { project: 'orders', stage: 'qa', stacks: { app: { template: 'templates/app.yaml' } } };

    expect(configOf(resolveIn(dir, value, '')).stage).toBe('qa');
    const fromOption = configOf(resolveIn(dir, value, '', { stage: 'prod' }));
    expect(fromOption.stage).toBe('prod');
    expect(stackOf(fromOption, 'app').stackName).toBe('orders-prod-app');
  });

  it("selects the stage's overrides by the stage in effect", async () => {
    const dir = await projectDir({ 'templates/app-prod.yaml': 'Resources: {}\n' });
    const value = { ...ordersConfig(), stage: 'prod' };

    expect(configOf(resolveIn(dir, value, '')).region).toBe('eu-west-1');
    expect(configOf(resolveIn(dir, value, '', { stage: 'dev' })).region).toBe('us-east-1');
  });
});

describe('resolveConfig: without stage overrides (dev)', () => {
  it('resolves every stack with its own settings over the defaults', async () => {
    const dir = await projectDir();

    const result = resolveIn(dir, ordersConfig(), '');

    expect(result.problems).toEqual([]);
    const config = configOf(result);
    expect(config).toMatchObject({
      configFile: join(dir, CONFIG),
      configDir: dir,
      project: 'orders',
      stage: 'dev',
      region: 'us-east-1',
    });
    expect(stackOf(config, 'data')).toEqual({
      id: 'data',
      stackName: 'orders-dev-data',
      templatePath: join(dir, 'templates', 'data.yaml'),
      templateDisplay: join('templates', 'data.yaml'),
      dependsOn: [],
      parameters: { Size: 'small', Retain: 'no' },
      tags: { team: 'core', cost: 'shared', tier: 'data', 'stackpilot:project': 'orders', 'stackpilot:stage': 'dev' },
      capabilities: ['CAPABILITY_IAM'],
      stateful: true,
      // Stateful stacks are protected unless they say otherwise.
      terminationProtection: true,
      timeoutMinutes: undefined,
      outputsToSsm: {},
      location: { file: CONFIG },
    });
    expect(stackOf(config, 'app')).toMatchObject({
      stackName: 'orders-dev-app',
      dependsOn: ['data'],
      parameters: { Bucket: { output: { stack: 'data', name: 'BucketName' } } },
      // A stack's own tags win over defaults.tags; its capabilities replace the defaults'.
      tags: { team: 'api', cost: 'shared', 'stackpilot:project': 'orders', 'stackpilot:stage': 'dev' },
      capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      stateful: false,
      terminationProtection: false,
      timeoutMinutes: 30,
    });
  });

  it('keeps the stacks in declaration order', async () => {
    const dir = await projectDir();
    const value = {
      project: 'orders',
      stacks: {
        app: { template: 'templates/app.yaml' },
        core: { template: 'templates/core.yaml' },
        data: { template: 'templates/data.yaml' },
      },
    };

    expect(configOf(resolveIn(dir, value, '')).stacks.map((s) => s.id)).toEqual(['app', 'core', 'data']);
  });

  it('gives a bare stack the documented defaults', async () => {
    const dir = await projectDir();

    const config = configOf(
      resolveIn(dir, { project: 'orders', stacks: { app: { template: 'templates/app.yaml' } } }, ''),
    );

    expect(config.region).toBeUndefined();
    expect(config.outputs).toBeUndefined();
    expect(stackOf(config, 'app')).toMatchObject({
      dependsOn: [],
      parameters: {},
      // Only ours: which project and stage the stack belongs to.
      tags: { 'stackpilot:project': 'orders', 'stackpilot:stage': 'dev' },
      capabilities: [],
      stateful: false,
      terminationProtection: false,
      timeoutMinutes: undefined,
    });
  });

  it('turns on termination protection from defaults, and a stack can turn it off again', async () => {
    const dir = await projectDir();
    const value = {
      project: 'orders',
      defaults: { terminationProtection: true },
      stacks: {
        data: { template: 'templates/data.yaml' },
        app: { template: 'templates/app.yaml', terminationProtection: false },
      },
    };

    const config = configOf(resolveIn(dir, value, ''));

    expect(stackOf(config, 'data').terminationProtection).toBe(true);
    expect(stackOf(config, 'app').terminationProtection).toBe(false);
  });

  it('locates each stack at its declaration', async () => {
    const dir = await projectDir();
    const source =
      "export default {\n  project: 'orders',\n  stacks: {\n    data: { template: 'templates/data.yaml' },\n    app: {\n      template: 'templates/app.yaml',\n    },\n  },\n};\n";

    const config = configOf(
      resolveIn(
        dir,
        {
          project: 'orders',
          stacks: { data: { template: 'templates/data.yaml' }, app: { template: 'templates/app.yaml' } },
        },
        source,
      ),
    );

    expect(stackOf(config, 'data').location).toEqual(at(source, 'data: {'));
    expect(stackOf(config, 'app').location).toEqual(at(source, 'app: {'));
  });

  it('resolves the outputs file next to the config, json by default, with plain references', async () => {
    const dir = await projectDir();

    const config = configOf(resolveIn(dir, ordersConfig(), ''));

    expect(config.outputs).toEqual({
      file: join(dir, '.stackpilot', 'outputs.json'),
      format: 'json',
      values: { API_URL: { stack: 'app', name: 'ApiUrl' } },
    });
  });
});

describe('resolveConfig: stage overrides (prod)', () => {
  it('applies the region, name pattern, defaults and per-stack overrides of the stage', async () => {
    const dir = await projectDir({ 'templates/app-prod.yaml': 'Resources: {}\n' });

    const result = resolveIn(dir, ordersConfig(), '', { stage: 'prod' });

    expect(result.problems).toEqual([]);
    const config = configOf(result);
    expect(config.stage).toBe('prod');
    expect(config.region).toBe('eu-west-1');

    const data = stackOf(config, 'data');
    expect(data.stackName).toBe('orders-data-prod');
    // parameters and tags merge key by key: stage defaults over defaults, stack over both.
    expect(data.parameters).toEqual({ Size: 'large', Retain: 'no' });
    expect(data.tags).toEqual({
      team: 'core',
      cost: 'prod',
      env: 'production',
      tier: 'data',
      backup: 'daily',
      'stackpilot:project': 'orders',
      'stackpilot:stage': 'prod',
    });
    // Stage defaults merge over the top-level ones rather than replacing them.
    expect(data.capabilities).toEqual(['CAPABILITY_IAM']);
    expect(data.terminationProtection).toBe(true);
    expect(data.stateful).toBe(true);

    const app = stackOf(config, 'app');
    // Fields other than parameters and tags replace.
    expect(app.stackName).toBe('orders-api');
    expect(app.dependsOn).toEqual([]);
    expect(app.templatePath).toBe(join(dir, 'templates', 'app-prod.yaml'));
    expect(app.parameters).toEqual({ Bucket: { output: { stack: 'data', name: 'BucketName' } } });
    expect(app.tags).toEqual({
      team: 'api',
      cost: 'prod',
      env: 'production',
      'stackpilot:project': 'orders',
      'stackpilot:stage': 'prod',
    });
    expect(app.terminationProtection).toBe(false);
    expect(app.timeoutMinutes).toBe(30);
  });

  it("replaces the top-level outputs with the stage's", async () => {
    const dir = await projectDir({ 'templates/app-prod.yaml': 'Resources: {}\n' });

    const config = configOf(resolveIn(dir, ordersConfig(), '', { stage: 'prod' }));

    expect(config.outputs).toEqual({
      file: join(dir, 'prod.env'),
      format: 'dotenv',
      values: { BUCKET: { stack: 'data', name: 'BucketName' } },
    });
  });

  it('leaves a stage without overrides on the top-level settings', async () => {
    const dir = await projectDir();

    const config = configOf(resolveIn(dir, ordersConfig(), '', { stage: 'staging' }));

    expect(config.region).toBe('us-east-1');
    expect(stackOf(config, 'data')).toMatchObject({
      stackName: 'orders-staging-data',
      parameters: { Size: 'small', Retain: 'no' },
      terminationProtection: true,
    });
  });

  it('lets options.region (--region) win over the stage and the top level', async () => {
    const dir = await projectDir({ 'templates/app-prod.yaml': 'Resources: {}\n' });

    expect(configOf(resolveIn(dir, ordersConfig(), '', { stage: 'prod', region: 'ap-south-1' })).region).toBe(
      'ap-south-1',
    );
    expect(configOf(resolveIn(dir, ordersConfig(), '', { region: 'ap-south-1' })).region).toBe('ap-south-1');
  });
});

describe('resolveConfig: stack names', () => {
  it("defaults to '${project}-${stage}-${id}'", async () => {
    const dir = await projectDir();

    const config = configOf(
      resolveIn(dir, { project: 'orders', stacks: { core: { template: 'templates/core.yaml' } } }, '', { stage: 'qa' }),
    );

    expect(DEFAULT_STACK_NAME).toBe('${project}-${stage}-${id}');
    expect(stackOf(config, 'core').stackName).toBe('orders-qa-core');
  });

  it('fills ${region} from the region in effect', async () => {
    const dir = await projectDir();
    const value = {
      project: 'orders',
      region: 'us-east-1',
      stackName: '${project}-${region}-${id}',
      stacks: { core: { template: 'templates/core.yaml' } },
      stages: { prod: { region: 'eu-west-1' } },
    };

    expect(stackOf(configOf(resolveIn(dir, value, '')), 'core').stackName).toBe('orders-us-east-1-core');
    expect(stackOf(configOf(resolveIn(dir, value, '', { stage: 'prod' })), 'core').stackName).toBe(
      'orders-eu-west-1-core',
    );
    expect(stackOf(configOf(resolveIn(dir, value, '', { region: 'ap-south-1' })), 'core').stackName).toBe(
      'orders-ap-south-1-core',
    );
  });

  it("uses a stack's own stackName, with placeholders, over the pattern", async () => {
    const dir = await projectDir();
    const value = {
      project: 'orders',
      stackName: '${project}-${id}',
      stacks: {
        core: { template: 'templates/core.yaml', stackName: 'network-${stage}' },
        app: { template: 'templates/app.yaml' },
      },
    };

    const config = configOf(resolveIn(dir, value, '', { stage: 'prod' }));

    expect(stackOf(config, 'core').stackName).toBe('network-prod');
    expect(stackOf(config, 'app').stackName).toBe('orders-app');
  });
});

describe('resolveConfig: artifacts (where packaged code goes)', () => {
  const stacks = { app: { template: 'templates/app.yaml' } };

  it('takes the top-level bucket and prefix, trimming slashes, and a stage replaces them', async () => {
    const dir = await projectDir();
    const value = {
      project: 'orders',
      stacks,
      artifacts: { bucket: 'orders-artifacts', prefix: '/stackpilot/orders/' },
      stages: { prod: { artifacts: { bucket: 'orders-prod-artifacts' } } },
    };
    expect(configOf(resolveIn(dir, value, '')).artifacts).toEqual({
      bucket: 'orders-artifacts',
      prefix: 'stackpilot/orders',
    });
    expect(configOf(resolveIn(dir, value, '', { stage: 'prod' })).artifacts).toEqual({
      bucket: 'orders-prod-artifacts',
      prefix: '',
    });
  });

  it('is undefined when not configured', async () => {
    const dir = await projectDir();
    expect(configOf(resolveIn(dir, { project: 'orders', stacks }, '')).artifacts).toBeUndefined();
  });

  it('refuses a bucket name S3 would refuse, naming the field, and an unknown key with a suggestion', async () => {
    const dir = await projectDir();
    const bad = resolveIn(
      dir,
      { project: 'orders', stacks, artifacts: { bucket: 'Orders_Artifacts', prefx: 'x' } },
      '',
    );
    expect(bad.config).toBeUndefined();
    const text = JSON.stringify(bad.problems);
    expect(text).toContain('artifacts.bucket');
    expect(text).toContain('must be an S3 bucket name');
    expect(text).toContain('prefix');
  });
});
