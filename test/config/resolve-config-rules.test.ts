// Rules resolveConfig checks after the schema: they need the whole config (other stacks, the
// stage, the computed names, the file system). The config still resolves; problems come with it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { at, CONFIG, configOf, projectDir, resolveIn, stackOf, TEMPLATE } from './fixtures.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { testdir } from '../helpers/testdir.js';

const ID_HINT =
  'use letters, digits and hyphens, starting with a letter (ids become part of CloudFormation stack names)';

const NAME_HINT = (length: number): string =>
  `a stack name must match [A-Za-z][-A-Za-z0-9]* and be at most 128 characters (this one has ${length})`;

describe('resolveConfig: rules across the config', () => {
  it('reports every broken rule at once and still resolves the config', async () => {
    const dir = await projectDir();
    const source = `import { defineConfig, output } from 'stackpilot';

export default defineConfig({
  project: 'orders',
  stacks: {
    core: {
      template: 'templates/core.yaml',
    },
    data: {
      template: 'templates/dta.yaml',
      dependsOn: ['cor'],
    },
    app: {
      template: 'templates/app.yaml',
      parameters: {
        Url: output('app', 'Url'),
      },
    },
  },
});
`;
    const value = {
      project: 'orders',
      stacks: {
        core: { template: 'templates/core.yaml' },
        data: { template: 'templates/dta.yaml', dependsOn: ['cor'] },
        app: { template: 'templates/app.yaml', parameters: { Url: { output: { stack: 'app', name: 'Url' } } } },
      },
    };

    const result = resolveIn(dir, value, source);

    expect(result.problems).toEqual([
      {
        path: 'stacks.data.dependsOn[0]',
        stack: 'data',
        location: at(source, "dependsOn: ['cor']"),
        message: 'unknown stack "cor" in dependsOn',
        hint: 'did you mean "core"?',
      },
      {
        path: 'stacks.data.template',
        stack: 'data',
        location: at(source, "template: 'templates/dta.yaml'"),
        message: 'template file not found: templates/dta.yaml',
        hint: 'template paths are relative to the config file',
      },
      {
        path: 'stacks.app.parameters.Url',
        stack: 'app',
        location: at(source, "Url: output('app', 'Url')"),
        message: 'parameter Url takes an output of its own stack "app"',
        hint: 'a stack cannot read its own outputs before it is deployed; use a template expression (!GetAtt / !Ref) instead',
      },
    ]);
    expect(configOf(result).stacks.map((s) => s.id)).toEqual(['core', 'data', 'app']);
  });

  describe('dependsOn', () => {
    it('names an unknown stack at its item in a multi-line list, with "did you mean"', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    core: { template: 'templates/core.yaml' },
    data: { template: 'templates/data.yaml' },
    app: {
      template: 'templates/app.yaml',
      dependsOn: [
        'core',
        'dta',
      ],
    },
  },
});
`;
      const value = {
        project: 'orders',
        stacks: {
          core: { template: 'templates/core.yaml' },
          data: { template: 'templates/data.yaml' },
          app: { template: 'templates/app.yaml', dependsOn: ['core', 'dta'] },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.dependsOn[1]',
          stack: 'app',
          location: at(source, "'dta',"),
          message: 'unknown stack "dta" in dependsOn',
          hint: 'did you mean "data"?',
        },
      ]);
    });

    it('suggests a short id the unknown name starts with: "databse" for data', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    data: { template: 'templates/data.yaml' },\n    app: { template: 'templates/app.yaml', dependsOn: ['databse'] },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: {
          data: { template: 'templates/data.yaml' },
          app: { template: 'templates/app.yaml', dependsOn: ['databse'] },
        },
      };
      expect(resolveIn(dir, value, source).problems.map((p) => p.hint)).toEqual(['did you mean "data"?']);
    });

    it('lists the stacks when no id is close', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    core: { template: 'templates/core.yaml' },\n    app: { template: 'templates/app.yaml', dependsOn: ['core', 'network'] },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: {
          core: { template: 'templates/core.yaml' },
          app: { template: 'templates/app.yaml', dependsOn: ['core', 'network'] },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.dependsOn[1]',
          stack: 'app',
          location: at(source, "dependsOn: ['core', 'network']"),
          message: 'unknown stack "network" in dependsOn',
          hint: 'stacks are: core, app',
        },
      ]);
    });

    it('refuses a stack that depends on itself', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    core: { template: 'templates/core.yaml' },\n    app: {\n      template: 'templates/app.yaml',\n      dependsOn: ['core', 'app'],\n    },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: {
          core: { template: 'templates/core.yaml' },
          app: { template: 'templates/app.yaml', dependsOn: ['core', 'app'] },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.dependsOn[1]',
          stack: 'app',
          location: at(source, "dependsOn: ['core', 'app']"),
          message: 'stack "app" depends on itself',
          hint: 'remove it from its own dependsOn',
        },
      ]);
    });

    it('reports a bad dependsOn from a stage override where the override wrote it', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    core: { template: 'templates/core.yaml' },
    app: { template: 'templates/app.yaml', dependsOn: ['core'] },
  },
  stages: {
    prod: {
      stacks: {
        app: { dependsOn: ['cor'] },
      },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: {
          core: { template: 'templates/core.yaml' },
          app: { template: 'templates/app.yaml', dependsOn: ['core'] },
        },
        stages: { prod: { stacks: { app: { dependsOn: ['cor'] } } } },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([]);
      expect(resolveIn(dir, value, source, { stage: 'prod' }).problems).toEqual([
        {
          path: 'stages.prod.stacks.app.dependsOn[0]',
          stack: 'app',
          location: at(source, "app: { dependsOn: ['cor'] }"),
          message: 'unknown stack "cor" in dependsOn',
          hint: 'did you mean "core"?',
        },
      ]);
    });
  });

  describe('output() parameters', () => {
    it('names an unknown stack, with "did you mean"', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    data: { template: 'templates/data.yaml' },
    app: {
      template: 'templates/app.yaml',
      parameters: {
        Bucket: output('dat', 'BucketName'),
        Queue: output('queues', 'QueueUrl'),
      },
    },
  },
});
`;
      const value = {
        project: 'orders',
        stacks: {
          data: { template: 'templates/data.yaml' },
          app: {
            template: 'templates/app.yaml',
            parameters: {
              Bucket: { output: { stack: 'dat', name: 'BucketName' } },
              Queue: { output: { stack: 'queues', name: 'QueueUrl' } },
            },
          },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.parameters.Bucket',
          stack: 'app',
          location: at(source, 'Bucket:'),
          message: 'parameter Bucket takes an output of unknown stack "dat"',
          hint: 'did you mean "data"?',
        },
        {
          path: 'stacks.app.parameters.Queue',
          stack: 'app',
          location: at(source, 'Queue:'),
          message: 'parameter Queue takes an output of unknown stack "queues"',
          hint: 'stacks are: data, app',
        },
      ]);
    });

    it('refuses a parameter taking an output of its own stack', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    app: {\n      template: 'templates/app.yaml',\n      parameters: { ApiUrl: output('app', 'ApiUrl') },\n    },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: {
          app: { template: 'templates/app.yaml', parameters: { ApiUrl: { output: { stack: 'app', name: 'ApiUrl' } } } },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.parameters.ApiUrl',
          stack: 'app',
          location: at(source, 'ApiUrl:'),
          message: 'parameter ApiUrl takes an output of its own stack "app"',
          hint: 'a stack cannot read its own outputs before it is deployed; use a template expression (!GetAtt / !Ref) instead',
        },
      ]);
    });

    it('checks parameters a stage override adds, at the override', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    data: { template: 'templates/data.yaml' },
    app: { template: 'templates/app.yaml', parameters: { Bucket: output('data', 'BucketName') } },
  },
  stages: {
    prod: {
      stacks: {
        app: {
          parameters: { Table: output('dta', 'TableName') },
        },
      },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: {
          data: { template: 'templates/data.yaml' },
          app: {
            template: 'templates/app.yaml',
            parameters: { Bucket: { output: { stack: 'data', name: 'BucketName' } } },
          },
        },
        stages: {
          prod: { stacks: { app: { parameters: { Table: { output: { stack: 'dta', name: 'TableName' } } } } } },
        },
      };

      expect(resolveIn(dir, value, source, { stage: 'prod' }).problems).toEqual([
        {
          path: 'stages.prod.stacks.app.parameters.Table',
          stack: 'app',
          location: at(source, 'Table:'),
          message: 'parameter Table takes an output of unknown stack "dta"',
          hint: 'did you mean "data"?',
        },
      ]);
    });
  });

  describe('outputs.values', () => {
    it('names an unknown stack, with "did you mean"', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    app: { template: 'templates/app.yaml' },
  },
  outputs: {
    file: '.stackpilot/outputs.json',
    values: {
      API_URL: output('ap', 'ApiUrl'),
      API_ID: output('app', 'ApiId'),
    },
  },
});
`;
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml' } },
        outputs: {
          file: '.stackpilot/outputs.json',
          values: {
            API_URL: { output: { stack: 'ap', name: 'ApiUrl' } },
            API_ID: { output: { stack: 'app', name: 'ApiId' } },
          },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'outputs.values.API_URL',
          location: at(source, 'API_URL:'),
          message: 'output API_URL comes from unknown stack "ap"',
          hint: 'did you mean "app"?',
        },
      ]);
    });

    it("checks the stage's outputs when the stage replaces them", async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: { app: { template: 'templates/app.yaml' } },
  outputs: { file: 'out.json', values: { API_URL: output('app', 'ApiUrl') } },
  stages: {
    prod: {
      outputs: {
        file: 'prod.env',
        values: {
          API_URL: output('apps', 'ApiUrl'),
        },
      },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml' } },
        outputs: { file: 'out.json', values: { API_URL: { output: { stack: 'app', name: 'ApiUrl' } } } },
        stages: {
          prod: { outputs: { file: 'prod.env', values: { API_URL: { output: { stack: 'apps', name: 'ApiUrl' } } } } },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([]);
      expect(resolveIn(dir, value, source, { stage: 'prod' }).problems).toEqual([
        {
          path: 'stages.prod.outputs.values.API_URL',
          location: at(source, "API_URL: output('apps', 'ApiUrl')"),
          message: 'output API_URL comes from unknown stack "apps"',
          hint: 'did you mean "app"?',
        },
      ]);
    });
  });

  describe('CloudFormation stack names', () => {
    it('refuses two stacks with the same explicit stackName', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    core: { template: 'templates/core.yaml', stackName: 'shared' },
    data: { template: 'templates/data.yaml' },
    app: { template: 'templates/app.yaml', stackName: 'shared' },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: {
          core: { template: 'templates/core.yaml', stackName: 'shared' },
          data: { template: 'templates/data.yaml' },
          app: { template: 'templates/app.yaml', stackName: 'shared' },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app',
          stack: 'app',
          location: at(source, "app: { template: 'templates/app.yaml', stackName: 'shared' }"),
          message: 'stacks "core" and "app" both get the CloudFormation name "shared"',
          hint: 'give one of them its own `stackName`, or include ${id} in the stackName pattern',
        },
      ]);
    });

    it('refuses a name pattern without ${id}, which gives every stack the same name', async () => {
      const dir = await projectDir();
      const value = {
        project: 'orders',
        stackName: '${project}-${stage}',
        stacks: {
          core: { template: 'templates/core.yaml' },
          data: { template: 'templates/data.yaml' },
          app: { template: 'templates/app.yaml' },
        },
      };

      const { problems } = resolveIn(dir, value, '');

      expect(problems.map((p) => [p.path, p.message])).toEqual([
        ['stacks.data', 'stacks "core" and "data" both get the CloudFormation name "orders-dev"'],
        ['stacks.app', 'stacks "core" and "app" both get the CloudFormation name "orders-dev"'],
      ]);
    });

    it('refuses an explicit name starting with a digit, showing the name', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    app: {\n      template: 'templates/app.yaml',\n      stackName: '9lives-${stage}',\n    },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml', stackName: '9lives-${stage}' } },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.stackName',
          stack: 'app',
          location: at(source, "stackName: '9lives-${stage}'"),
          message: 'stack name "9lives-dev" is not accepted by CloudFormation',
          hint: NAME_HINT(10),
        },
      ]);
    });

    it('refuses an id with "_" both as an id and for the name the default pattern makes of it', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    core_infra: { template: 'templates/core.yaml' },\n  },\n};\n";
      const value = { project: 'orders', stacks: { core_infra: { template: 'templates/core.yaml' } } };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.core_infra',
          stack: 'core_infra',
          location: at(source, 'core_infra:'),
          message: 'stack id "core_infra" is not valid',
          hint: ID_HINT,
        },
        {
          path: 'stacks.core_infra',
          stack: 'core_infra',
          location: at(source, 'core_infra:'),
          message: 'stack name "orders-dev-core_infra" is not accepted by CloudFormation',
          hint: NAME_HINT(21),
        },
      ]);
    });

    it('refuses names over 128 characters made by the top-level pattern, and accepts exactly 128', async () => {
      const dir = await projectDir();
      // 'orders-dev-app-' is 15 characters.
      const tooLong = `\${project}-\${stage}-\${id}-${'x'.repeat(114)}`;
      const longest = `\${project}-\${stage}-\${id}-${'x'.repeat(113)}`;
      const source = `export default {\n  project: 'orders',\n  stackName: '${tooLong}',\n  stacks: {\n    app: { template: 'templates/app.yaml' },\n  },\n};\n`;

      const { problems } = resolveIn(
        dir,
        { project: 'orders', stackName: tooLong, stacks: { app: { template: 'templates/app.yaml' } } },
        source,
      );

      expect(problems).toEqual([
        {
          path: 'stackName',
          stack: 'app',
          location: at(source, 'stackName:'),
          message: `stack name "orders-dev-app-${'x'.repeat(114)}" is not accepted by CloudFormation`,
          hint: NAME_HINT(129),
        },
      ]);
      expect(
        resolveIn(
          dir,
          { project: 'orders', stackName: longest, stacks: { app: { template: 'templates/app.yaml' } } },
          '',
        ).problems,
      ).toEqual([]);
    });

    it("points at the stage's name pattern when that made the name", async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stackName: '\${project}-\${stage}-\${id}',
  stacks: {
    app: { template: 'templates/app.yaml' },
  },
  stages: {
    prod: {
      stackName: '\${stage}_\${id}',
    },
  },
};
`;
      const value = {
        project: 'orders',
        stackName: '${project}-${stage}-${id}',
        stacks: { app: { template: 'templates/app.yaml' } },
        stages: { prod: { stackName: '${stage}_${id}' } },
      };

      expect(resolveIn(dir, value, source, { stage: 'prod' }).problems).toEqual([
        {
          path: 'stages.prod.stackName',
          stack: 'app',
          location: at(source, "stackName: '${stage}_${id}'"),
          message: 'stack name "prod_app" is not accepted by CloudFormation',
          hint: NAME_HINT(8),
        },
      ]);
    });

    it("points at a stage's stack override when that set the name", async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    app: { template: 'templates/app.yaml', stackName: 'orders-api' },
  },
  stages: {
    prod: {
      stacks: {
        app: { stackName: 'orders api' },
      },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml', stackName: 'orders-api' } },
        stages: { prod: { stacks: { app: { stackName: 'orders api' } } } },
      };

      expect(resolveIn(dir, value, source, { stage: 'prod' }).problems).toEqual([
        {
          path: 'stages.prod.stacks.app.stackName',
          stack: 'app',
          location: at(source, "app: { stackName: 'orders api' }"),
          message: 'stack name "orders api" is not accepted by CloudFormation',
          hint: NAME_HINT(10),
        },
      ]);
    });

    it('leaves an unknown placeholder as written, so the name is refused and shown', async () => {
      const dir = await projectDir();
      const value = {
        project: 'orders',
        stackName: '${project}-${env}-${id}',
        stacks: { app: { template: 'templates/app.yaml' } },
      };

      const { problems } = resolveIn(dir, value, '');

      expect(problems).toEqual([
        expect.objectContaining({
          path: 'stackName',
          stack: 'app',
          message: 'stack name "orders-${env}-app" is not accepted by CloudFormation',
        }),
      ]);
    });
  });

  describe('stack ids', () => {
    it('refuses an id that does not start with a letter or has other characters', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    '1st': { template: 'templates/core.yaml', stackName: 'first' },
    'core infra': { template: 'templates/core.yaml', stackName: 'core-infra' },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: {
          '1st': { template: 'templates/core.yaml', stackName: 'first' },
          'core infra': { template: 'templates/core.yaml', stackName: 'core-infra' },
        },
      };

      const hint = ID_HINT;
      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.1st',
          stack: '1st',
          location: at(source, "'1st':"),
          message: 'stack id "1st" is not valid',
          hint,
        },
        {
          path: 'stacks.core infra',
          stack: 'core infra',
          location: at(source, "'core infra':"),
          message: 'stack id "core infra" is not valid',
          hint,
        },
      ]);
    });

    it('accepts letters, digits and hyphens after a first letter', async () => {
      const dir = await projectDir();
      const value = {
        project: 'orders',
        stacks: { 'Core-infra-2': { template: 'templates/core.yaml', stackName: 'core-infra-2' } },
      };

      expect(resolveIn(dir, value, '').problems).toEqual([]);
    });
  });

  describe('tags', () => {
    it('refuses aws: keys (reserved by AWS) and the two keys stackpilot sets itself, where they are written', async () => {
      const dir = await projectDir();
      const value = {
        project: 'orders',
        defaults: { tags: { 'aws:owner': 'me' } },
        stacks: { core: { template: 'templates/core.yaml', tags: { 'stackpilot:stage': 'other', team: 'core' } } },
      };

      expect(resolveIn(dir, value, '').problems).toEqual([
        expect.objectContaining({
          path: 'defaults.tags.aws:owner',
          message: 'tag "aws:owner": keys starting with aws: are reserved by AWS, and CloudFormation refuses them',
        }),
        expect.objectContaining({
          path: 'stacks.core.tags.stackpilot:stage',
          stack: 'core',
          message: 'tag "stackpilot:stage" is set by stackpilot on every stack',
        }),
      ]);
    });

    it('tags every stack with its project and stage, over any tag of the config', async () => {
      const dir = await projectDir();
      const value = {
        project: 'orders',
        stacks: { core: { template: 'templates/core.yaml', tags: { team: 'core' } } },
      };

      const config = configOf(resolveIn(dir, value, '', { stage: 'dev-alice' }));
      expect(stackOf(config, 'core').tags).toEqual({
        team: 'core',
        'stackpilot:project': 'orders',
        'stackpilot:stage': 'dev-alice',
      });
    });
  });

  describe('templates', () => {
    it('reports a template file that does not exist', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    app: {\n      template: 'templates/missing.yaml',\n    },\n  },\n};\n";

      expect(
        resolveIn(dir, { project: 'orders', stacks: { app: { template: 'templates/missing.yaml' } } }, source).problems,
      ).toEqual([
        {
          path: 'stacks.app.template',
          stack: 'app',
          location: at(source, "template: 'templates/missing.yaml'"),
          message: 'template file not found: templates/missing.yaml',
          hint: 'template paths are relative to the config file',
        },
      ]);
    });

    it('resolves templates relative to the config file, not the working directory', async () => {
      const dir = await testdir({
        'templates/app.yaml': TEMPLATE, // next to cwd: must not be used
        'infra/templates/core.yaml': TEMPLATE,
      });
      const file = join(dir, 'infra', 'stacks.config.ts');
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    core: { template: 'templates/core.yaml' },\n    app: { template: 'templates/app.yaml' },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: { core: { template: 'templates/core.yaml' }, app: { template: 'templates/app.yaml' } },
      };

      const result = resolveConfig(value, file, source, { cwd: dir });

      expect(result.problems).toEqual([
        {
          path: 'stacks.app.template',
          stack: 'app',
          location: { file: join('infra', 'stacks.config.ts'), line: 5 },
          message: `template file not found: ${join('infra', 'templates', 'app.yaml')}`,
          hint: 'template paths are relative to the config file',
        },
      ]);
      const core = stackOf(configOf(result), 'core');
      expect(core.templatePath).toBe(join(dir, 'infra', 'templates', 'core.yaml'));
      expect(core.templateDisplay).toBe(join('infra', 'templates', 'core.yaml'));
      expect(configOf(result).configDir).toBe(join(dir, 'infra'));
    });

    it('shows absolute paths when the config is outside the working directory', async () => {
      const dir = await projectDir();
      const elsewhere = await testdir();
      const file = join(dir, CONFIG);
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    app: { template: 'templates/nope.yaml' },\n  },\n};\n";

      const { problems } = resolveConfig(
        { project: 'orders', stacks: { app: { template: 'templates/nope.yaml' } } },
        file,
        source,
        { cwd: elsewhere },
      );

      expect(problems).toEqual([
        expect.objectContaining({
          location: { file, line: 4 },
          message: `template file not found: ${join(dir, 'templates', 'nope.yaml')}`,
        }),
      ]);
    });
  });

  it('reports a stage override of a stack that is not in `stacks`', async () => {
    const dir = await projectDir();
    const source = `export default {
  project: 'orders',
  stacks: {
    data: { template: 'templates/data.yaml' },
    app: { template: 'templates/app.yaml' },
  },
  stages: {
    prod: {
      stacks: {
        ap: { tags: { tier: 'web' } },
        cache: { tags: { tier: 'cache' } },
      },
    },
  },
};
`;
    const value = {
      project: 'orders',
      stacks: { data: { template: 'templates/data.yaml' }, app: { template: 'templates/app.yaml' } },
      stages: { prod: { stacks: { ap: { tags: { tier: 'web' } }, cache: { tags: { tier: 'cache' } } } } },
    };

    const result = resolveIn(dir, value, source, { stage: 'prod' });

    expect(result.problems).toEqual([
      {
        path: 'stages.prod.stacks.ap',
        location: at(source, 'ap: {'),
        message: 'stage "prod" overrides stack "ap", which is not in `stacks`',
        hint: 'did you mean "app"?',
      },
      {
        path: 'stages.prod.stacks.cache',
        location: at(source, 'cache: {'),
        message: 'stage "prod" overrides stack "cache", which is not in `stacks`',
        hint: 'stacks are: data, app',
      },
    ]);
    expect(configOf(result).stacks.map((s) => s.id)).toEqual(['data', 'app']);
  });

  describe('a config function and the stage', () => {
    const value = { project: 'orders', stage: 'prod', stacks: { app: { template: 'templates/app.yaml' } } };
    const source =
      "export default defineConfig((env) => ({\n  project: 'orders',\n  stage: 'prod',\n  stacks: { app: { template: 'templates/app.yaml' } },\n}));\n";

    it('refuses a function that returns a stage other than the env.stage it was given', async () => {
      const dir = await projectDir();

      const result = resolveIn(dir, value, source, { isFunction: true, envStage: 'dev' });

      expect(result.problems).toEqual([
        {
          path: 'stage',
          location: at(source, "stage: 'prod'"),
          message: 'the config function returned stage "prod" but was called with env.stage "dev"',
          hint: 'a config function takes its stage from env.stage: remove `stage` from what it returns, or pass --stage',
        },
      ]);
    });

    it('accepts it when --stage was passed (the option wins), when the stages agree, and for a plain object', async () => {
      const dir = await projectDir();

      expect(
        resolveIn(dir, value, source, { isFunction: true, envStage: 'staging', stage: 'staging' }).problems,
      ).toEqual([]);
      expect(resolveIn(dir, value, source, { isFunction: true, envStage: 'prod' }).problems).toEqual([]);
      expect(resolveIn(dir, value, source, { isFunction: false, envStage: 'dev' }).problems).toEqual([]);
      expect(
        resolveIn(dir, { ...value, stage: undefined }, source, { isFunction: true, envStage: 'dev' }).problems,
      ).toEqual([]);
    });
  });

  describe('plain-data references (JSON configs)', () => {
    const json = `{
  "project": "orders",
  "stacks": {
    "data": { "template": "templates/data.yaml" },
    "app": {
      "template": "templates/app.yaml",
      "parameters": {
        "Bucket": { "output": { "stack": "data", "name": "BucketName" } },
        "DbHost": { "ssm": "/orders/dev/db-host" },
        "Table": { "output": { "stack": "tables", "name": "TableName" } },
        "Ports": ["80", "443"],
        "Size": 3,
        "Public": false
      }
    }
  },
  "outputs": { "file": "out.json", "values": { "BUCKET": { "output": { "stack": "data", "name": "BucketName" } } } }
}
`;

    it('accepts hand-written { output: { stack, name } } and { ssm } objects and checks them like output() and ssm()', async () => {
      const dir = await projectDir();
      const value = JSON.parse(json) as unknown;

      const result = resolveConfig(value, join(dir, 'stacks.config.json'), json, { cwd: dir });

      // Only the output of a stack that does not exist is a problem: the plain object is an output() reference.
      expect(result.problems).toEqual([
        {
          path: 'stacks.app.parameters.Table',
          stack: 'app',
          location: { file: 'stacks.config.json', line: lineOfJson('"Table"') },
          message: 'parameter Table takes an output of unknown stack "tables"',
          hint: 'stacks are: data, app',
        },
      ]);
      const app = stackOf(configOf(result), 'app');
      expect(app.parameters).toEqual({
        Bucket: { output: { stack: 'data', name: 'BucketName' } },
        DbHost: { ssm: '/orders/dev/db-host' },
        Table: { output: { stack: 'tables', name: 'TableName' } },
        Ports: ['80', '443'],
        Size: 3,
        Public: false,
      });
      expect(configOf(result).outputs?.values).toEqual({ BUCKET: { stack: 'data', name: 'BucketName' } });
    });

    function lineOfJson(text: string): number {
      return json.split('\n').findIndex((line) => line.includes(text)) + 1;
    }
  });
});

describe('resolveConfig: rules that look beyond the active stage', () => {
  it('reports an override of an unknown stack in a stage that is not being deployed', async () => {
    const dir = await projectDir();
    const source =
      "export default {\n  project: 'orders',\n  stacks: { app: { template: 'templates/app.yaml' } },\n  stages: {\n    prod: {\n      stacks: { ap: { tags: { tier: 'web' } } },\n    },\n  },\n};\n";
    const value = {
      project: 'orders',
      stacks: { app: { template: 'templates/app.yaml' } },
      stages: { prod: { stacks: { ap: { tags: { tier: 'web' } } } } },
    };

    // Resolving for dev still finds the typo in prod.
    expect(resolveIn(dir, value, source).problems).toEqual([
      {
        path: 'stages.prod.stacks.ap',
        location: at(source, 'stacks: { ap:'),
        message: 'stage "prod" overrides stack "ap", which is not in `stacks`',
        hint: 'did you mean "app"?',
      },
    ]);
  });

  it('refuses ${region} in a stack name when no region is known, and accepts it with --region', async () => {
    const dir = await projectDir();
    const source =
      "export default {\n  project: 'orders',\n  stackName: '${project}-${region}-${id}',\n  stacks: { app: { template: 'templates/app.yaml' } },\n};\n";
    const value = {
      project: 'orders',
      stackName: '${project}-${region}-${id}',
      stacks: { app: { template: 'templates/app.yaml' } },
    };

    expect(resolveIn(dir, value, source).problems).toEqual([
      {
        path: 'region',
        location: { file: CONFIG },
        message: 'a stack name uses ${region}, but no region is set',
        hint: 'set `region` in the config (or the stage), or pass --region',
      },
    ]);
    const withRegion = resolveIn(dir, value, source, { region: 'eu-west-1' });
    expect(withRegion.problems).toEqual([]);
    expect(withRegion.config?.stacks[0]?.stackName).toBe('orders-eu-west-1-app');
  });
});
