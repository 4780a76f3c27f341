// Problems found by the schema step of resolveConfig: the config is not even the right shape,
// so no config is returned and every such problem comes back at once.
import { describe, expect, it } from 'vitest';
import { allowedKeysAt } from '../../src/config/schema.js';
import { at, CONFIG, projectDir, resolveIn } from './fixtures.js';

const PARAMETER_TYPES = 'must be a string, number, boolean, list of strings, output(stack, name) or ssm(name)';

describe('resolveConfig: schema problems', () => {
  it('reports every mistake at once: three mistakes, three problems', async () => {
    const dir = await projectDir();
    const source = `import { defineConfig } from 'stackpilot';

export default defineConfig({
  project: 'orders',
  stackname: '\${project}-\${id}',
  defaults: {
    terminationProtection: 'yes',
  },
  stacks: {
    app: {
      template: 'templates/app.yaml',
      dependsOn: 'core',
    },
  },
});
`;
    const value = {
      project: 'orders',
      stackname: '${project}-${id}',
      defaults: { terminationProtection: 'yes' },
      stacks: { app: { template: 'templates/app.yaml', dependsOn: 'core' } },
    };

    const result = resolveIn(dir, value, source);

    expect(result.config).toBeUndefined();
    expect(result.problems).toHaveLength(3);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        {
          path: '(top level)',
          location: at(source, 'stackname:'),
          message: 'unknown key "stackname"',
          hint: 'did you mean "stackName"?',
        },
        {
          path: 'defaults.terminationProtection',
          location: at(source, "terminationProtection: 'yes'"),
          message: 'expected boolean, received string',
        },
        {
          path: 'stacks.app.dependsOn',
          stack: 'app',
          location: at(source, "dependsOn: 'core'"),
          message: 'expected array, received string',
        },
      ]),
    );
  });

  describe('unknown keys, with "did you mean"', () => {
    it('in a stack: dependOn → dependsOn', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    core: { template: 'templates/core.yaml' },
    app: {
      template: 'templates/app.yaml',
      dependOn: ['core'],
    },
  },
});
`;
      const value = {
        project: 'orders',
        stacks: {
          core: { template: 'templates/core.yaml' },
          app: { template: 'templates/app.yaml', dependOn: ['core'] },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app',
          stack: 'app',
          location: at(source, "dependOn: ['core']"),
          message: 'unknown key "dependOn"',
          hint: 'did you mean "dependsOn"?',
        },
      ]);
    });

    it('in a stack: templat → template, also reporting the template as missing', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    app: {
      templat: 'templates/app.yaml',
    },
  },
});
`;
      const value = { project: 'orders', stacks: { app: { templat: 'templates/app.yaml' } } };

      const { problems } = resolveIn(dir, value, source);

      expect(problems).toHaveLength(2);
      expect(problems).toEqual(
        expect.arrayContaining([
          {
            path: 'stacks.app',
            stack: 'app',
            location: at(source, "templat: 'templates/app.yaml'"),
            message: 'unknown key "templat"',
            hint: 'did you mean "template"?',
          },
          // `template` is not in the source: the stack's own line is where to look.
          {
            path: 'stacks.app.template',
            stack: 'app',
            location: at(source, 'app: {'),
            message: 'required string is missing',
          },
        ]),
      );
    });

    it('at the top level: stackname → stackName (case differs only)', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stackname: 'orders-\${id}',
  stacks: {},
});
`;
      const value = { project: 'orders', stackname: 'orders-${id}', stacks: {} };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: '(top level)',
          location: at(source, 'stackname:'),
          message: 'unknown key "stackname"',
          hint: 'did you mean "stackName"?',
        },
      ]);
    });

    it('in defaults: tag → tags', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  defaults: {
    tag: { team: 'orders' },
  },
  stacks: {},
});
`;
      const value = { project: 'orders', defaults: { tag: { team: 'orders' } }, stacks: {} };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'defaults',
          location: at(source, 'tag: {'),
          message: 'unknown key "tag"',
          hint: 'did you mean "tags"?',
        },
      ]);
    });

    it('in a stage: regoin → region', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {},
  stages: {
    prod: {
      regoin: 'eu-west-1',
    },
  },
});
`;
      const value = { project: 'orders', stacks: {}, stages: { prod: { regoin: 'eu-west-1' } } };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stages.prod',
          location: at(source, "regoin: 'eu-west-1'"),
          message: 'unknown key "regoin"',
          hint: 'did you mean "region"?',
        },
      ]);
    });

    it("in a stage's defaults and in a stage's stack override, naming the stack", async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    app: { template: 'templates/app.yaml' },
  },
  stages: {
    prod: {
      defaults: { terminationProtecton: true },
      stacks: {
        app: {
          paramters: { Size: 'large' },
        },
      },
    },
  },
});
`;
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml' } },
        stages: {
          prod: { defaults: { terminationProtecton: true }, stacks: { app: { paramters: { Size: 'large' } } } },
        },
      };

      const { problems } = resolveIn(dir, value, source);

      expect(problems).toHaveLength(2);
      expect(problems).toEqual(
        expect.arrayContaining([
          {
            path: 'stages.prod.defaults',
            location: at(source, 'terminationProtecton'),
            message: 'unknown key "terminationProtecton"',
            hint: 'did you mean "terminationProtection"?',
          },
          {
            path: 'stages.prod.stacks.app',
            stack: 'app',
            location: at(source, 'paramters:'),
            message: 'unknown key "paramters"',
            hint: 'did you mean "parameters"?',
          },
        ]),
      );
    });

    it('lists the allowed keys when nothing is close', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    app: { template: 'templates/app.yaml', colour: 'blue' },\n  },\n};\n";
      const value = { project: 'orders', stacks: { app: { template: 'templates/app.yaml', colour: 'blue' } } };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app',
          stack: 'app',
          location: at(source, "colour: 'blue'"),
          message: 'unknown key "colour"',
          hint: 'allowed keys: template, dependsOn, parameters, tags, capabilities, stackName, stateful, allowDestroy, terminationProtection, timeoutMinutes, outputsToSsm, ignoreChecks',
        },
      ]);
    });

    it('reports several unknown keys of one object as one problem, with a hint for each', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {\n    app: {\n      template: 'templates/app.yaml',\n      dependOn: [],\n      tag: {},\n    },\n  },\n};\n";
      const value = { project: 'orders', stacks: { app: { template: 'templates/app.yaml', dependOn: [], tag: {} } } };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app',
          stack: 'app',
          location: at(source, 'dependOn: []'),
          message: 'unknown keys "dependOn", "tag"',
          hint: 'did you mean "dependsOn"?; did you mean "tags"?',
        },
      ]);
    });

    it('inside output(...) of outputs.values: nme → name', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: { app: { template: 'templates/app.yaml' } },
  outputs: {
    file: 'out.json',
    values: {
      API_URL: { output: { stack: 'app', nme: 'ApiUrl' } },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml' } },
        outputs: { file: 'out.json', values: { API_URL: { output: { stack: 'app', nme: 'ApiUrl' } } } },
      };

      const { problems } = resolveIn(dir, value, source);

      expect(problems).toHaveLength(2);
      expect(problems).toEqual(
        expect.arrayContaining([
          {
            path: 'outputs.values.API_URL.output',
            location: at(source, 'API_URL:'),
            message: 'unknown key "nme"',
            hint: 'did you mean "name"?',
          },
          {
            path: 'outputs.values.API_URL.output.name',
            location: at(source, 'API_URL:'),
            message: 'required string is missing',
          },
        ]),
      );
    });

    it('an ssm() in outputs.values is refused with output as the only allowed key', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {},\n  outputs: {\n    file: 'out.env',\n    values: {\n      DB_HOST: ssm('/orders/db-host'),\n    },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: {},
        outputs: { file: 'out.env', values: { DB_HOST: { ssm: '/orders/db-host' } } },
      };

      const { problems } = resolveIn(dir, value, source);

      expect(problems).toHaveLength(2);
      expect(problems).toEqual(
        expect.arrayContaining([
          {
            path: 'outputs.values.DB_HOST',
            location: at(source, 'DB_HOST:'),
            message: 'unknown key "ssm"',
            hint: 'allowed keys: output',
          },
          {
            path: 'outputs.values.DB_HOST.output',
            location: at(source, 'DB_HOST:'),
            message: 'required object is missing',
          },
        ]),
      );
    });
  });

  describe('missing required fields', () => {
    it('project: located in the file only, since it is not in the source', async () => {
      const dir = await projectDir();
      const source =
        "export default defineConfig({\n  stacks: {\n    app: { template: 'templates/app.yaml' },\n  },\n});\n";

      expect(resolveIn(dir, { stacks: { app: { template: 'templates/app.yaml' } } }, source).problems).toEqual([
        { path: 'project', location: { file: CONFIG }, message: 'required string is missing' },
      ]);
    });

    it('template of a stack: located at the stack', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    core: { template: 'templates/core.yaml' },
    app: {
      dependsOn: ['core'],
    },
  },
});
`;
      const value = {
        project: 'orders',
        stacks: { core: { template: 'templates/core.yaml' }, app: { dependsOn: ['core'] } },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.template',
          stack: 'app',
          location: at(source, 'app: {'),
          message: 'required string is missing',
        },
      ]);
    });

    it('stacks, and an empty project name', async () => {
      const dir = await projectDir();
      const source = "export default { project: '' };\n";

      const { problems } = resolveIn(dir, { project: '' }, source);

      expect(problems).toHaveLength(2);
      expect(problems).toEqual(
        expect.arrayContaining([
          { path: 'stacks', location: { file: CONFIG }, message: 'required record is missing' },
          {
            path: 'project',
            location: at(source, "project: ''"),
            message:
              'must start with a letter and hold only letters, digits and hyphens (it becomes part of stack names)',
          },
        ]),
      );
    });

    it('a bad project name, and every other problem with it: bad stack ids, unknown dependsOn', async () => {
      const dir = await projectDir();
      const value = {
        project: 'my shop!',
        stacks: {
          'bad id': { template: 'templates/core.yaml' },
          app: { template: 'templates/app.yaml', dependsOn: ['core'] },
        },
      };
      const source = `export default ${JSON.stringify(value)};\n`;

      const { problems } = resolveIn(dir, value, source);

      expect(problems.map((p) => p.path)).toEqual(
        expect.arrayContaining(['project', 'stacks.bad id', 'stacks.app.dependsOn[0]']),
      );
      expect(problems[0]?.message).toBe(
        'must start with a letter and hold only letters, digits and hyphens (it becomes part of stack names)',
      );
    });

    it('a config that is not an object at all', async () => {
      const dir = await projectDir();

      expect(resolveIn(dir, 'orders', "export default 'orders';\n").problems).toEqual([
        { path: '(top level)', location: { file: CONFIG }, message: 'expected object, received string' },
      ]);
    });
  });

  describe('wrong types', () => {
    it('a parameter that is an object but neither output() nor ssm()', async () => {
      const dir = await projectDir();
      const source = `export default defineConfig({
  project: 'orders',
  stacks: {
    data: { template: 'templates/data.yaml' },
    app: {
      template: 'templates/app.yaml',
      parameters: {
        Stage: 'dev',
        Bucket: { stack: 'data', name: 'BucketName' },
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
            parameters: { Stage: 'dev', Bucket: { stack: 'data', name: 'BucketName' } },
          },
        },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stacks.app.parameters.Bucket',
          stack: 'app',
          location: at(source, 'Bucket:'),
          message: PARAMETER_TYPES,
        },
      ]);
    });

    it('other parameter values that are not allowed: null, a list of numbers, output and ssm together, an empty ssm name', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    app: {
      template: 'templates/app.yaml',
      parameters: {
        Nothing: null,
        Ports: [80, 443],
        Both: { output: { stack: 'data', name: 'Url' }, ssm: '/x' },
        Empty: { ssm: '' },
      },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: {
          app: {
            template: 'templates/app.yaml',
            parameters: {
              Nothing: null,
              Ports: [80, 443],
              Both: { output: { stack: 'data', name: 'Url' }, ssm: '/x' },
              Empty: { ssm: '' },
            },
          },
        },
      };

      const { problems } = resolveIn(dir, value, source);

      expect(problems.map((p) => p.path).sort()).toEqual([
        'stacks.app.parameters.Both',
        'stacks.app.parameters.Empty.ssm',
        'stacks.app.parameters.Nothing',
        'stacks.app.parameters.Ports',
      ]);
      for (const [path, text] of [
        ['Nothing', 'Nothing:'],
        ['Ports', 'Ports:'],
        ['Both', 'Both:'],
        ['Empty.ssm', 'Empty:'],
      ] as const) {
        const problem = problems.find((p) => p.path === `stacks.app.parameters.${path}`);
        expect(problem, path).toMatchObject({ stack: 'app', location: at(source, text) });
      }
      expect(problems.find((p) => p.path === 'stacks.app.parameters.Nothing')?.message).toBe(PARAMETER_TYPES);
      expect(problems.find((p) => p.path === 'stacks.app.parameters.Both')?.message).toBe(PARAMETER_TYPES);
      expect(problems.find((p) => p.path === 'stacks.app.parameters.Empty.ssm')?.message).toBe(
        'Too small: expected string to have >=1 characters',
      );
    });

    it('a capability, a timeout and a tag value of the wrong kind', async () => {
      const dir = await projectDir();
      const source = `export default {
  project: 'orders',
  stacks: {
    app: {
      template: 'templates/app.yaml',
      capabilities: ['CAPABILITY_IAM', 'CAPABILITY_ROOT'],
      timeoutMinutes: 0,
      tags: { cost: 12 },
    },
  },
};
`;
      const value = {
        project: 'orders',
        stacks: {
          app: {
            template: 'templates/app.yaml',
            capabilities: ['CAPABILITY_IAM', 'CAPABILITY_ROOT'],
            timeoutMinutes: 0,
            tags: { cost: 12 },
          },
        },
      };

      const { problems } = resolveIn(dir, value, source);

      expect(problems).toHaveLength(3);
      expect(problems).toEqual(
        expect.arrayContaining([
          {
            path: 'stacks.app.capabilities[1]',
            stack: 'app',
            location: at(source, 'capabilities:'),
            message: 'Invalid option: expected one of "CAPABILITY_IAM"|"CAPABILITY_NAMED_IAM"|"CAPABILITY_AUTO_EXPAND"',
          },
          {
            path: 'stacks.app.timeoutMinutes',
            stack: 'app',
            location: at(source, 'timeoutMinutes:'),
            message: 'Too small: expected number to be >0',
          },
          {
            path: 'stacks.app.tags.cost',
            stack: 'app',
            location: at(source, 'tags:'),
            message: 'expected string, received number',
          },
        ]),
      );
    });

    it('a wrong type inside a stage override names the stack', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: { app: { template: 'templates/app.yaml' } },\n  stages: {\n    prod: {\n      stacks: {\n        app: { timeoutMinutes: 'ten' },\n      },\n    },\n  },\n};\n";
      const value = {
        project: 'orders',
        stacks: { app: { template: 'templates/app.yaml' } },
        stages: { prod: { stacks: { app: { timeoutMinutes: 'ten' } } } },
      };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'stages.prod.stacks.app.timeoutMinutes',
          stack: 'app',
          location: at(source, "app: { timeoutMinutes: 'ten' }"),
          message: 'expected number, received string',
        },
      ]);
    });

    it('an outputs format that is not json or dotenv', async () => {
      const dir = await projectDir();
      const source =
        "export default {\n  project: 'orders',\n  stacks: {},\n  outputs: {\n    file: 'out.yaml',\n    format: 'yaml',\n    values: {},\n  },\n};\n";
      const value = { project: 'orders', stacks: {}, outputs: { file: 'out.yaml', format: 'yaml', values: {} } };

      expect(resolveIn(dir, value, source).problems).toEqual([
        {
          path: 'outputs.format',
          location: at(source, "format: 'yaml'"),
          message: 'Invalid option: expected one of "json"|"dotenv"',
        },
      ]);
    });
  });
});

describe('allowedKeysAt', () => {
  it('knows the keys of each object in the config', () => {
    expect(allowedKeysAt([])).toEqual([
      'project',
      'stage',
      'region',
      'stackName',
      'defaults',
      'stages',
      'stacks',
      'outputs',
      'artifacts',
    ]);
    expect(allowedKeysAt(['artifacts'])).toEqual(['bucket', 'prefix']);
    expect(allowedKeysAt(['defaults'])).toEqual(['capabilities', 'tags', 'terminationProtection']);
    expect(allowedKeysAt(['outputs'])).toEqual(['file', 'format', 'values']);
    expect(allowedKeysAt(['stacks', 'app'])).toContain('dependsOn');
    expect(allowedKeysAt(['stages', 'prod'])).toEqual([
      'region',
      'stackName',
      'defaults',
      'stacks',
      'outputs',
      'artifacts',
    ]);
    expect(allowedKeysAt(['stages', 'prod', 'defaults'])).toEqual(['capabilities', 'tags', 'terminationProtection']);
    expect(allowedKeysAt(['stages', 'prod', 'stacks', 'app'])).toContain('template');
  });

  it('offers ssm for parameters but not for outputs.values', () => {
    expect(allowedKeysAt(['stacks', 'app', 'parameters', 'Bucket'])).toEqual(['output', 'ssm']);
    expect(allowedKeysAt(['outputs', 'values', 'API_URL'])).toEqual(['output']);
    expect(allowedKeysAt(['stages', 'prod', 'outputs', 'values', 'API_URL'])).toEqual(['output']);
    expect(allowedKeysAt(['stacks', 'app', 'parameters', 'Bucket', 'output'])).toEqual(['stack', 'name']);
    expect(allowedKeysAt(['outputs', 'values', 'API_URL', 'output'])).toEqual(['stack', 'name']);
  });

  it('a parameter named "output" is still a parameter', () => {
    expect(allowedKeysAt(['stacks', 'app', 'parameters', 'output'])).toEqual(['output', 'ssm']);
  });

  it('has nothing to offer inside free-form records', () => {
    expect(allowedKeysAt(['stacks', 'app', 'tags'])).toEqual([]);
  });
});
