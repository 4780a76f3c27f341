import { describe, expect, it } from 'vitest';
import { defineConfig, output, ssm } from '../../src/config/define-config.js';
import * as publicApi from '../../src/index.js';
import type { ConfigEnv, StackpilotConfig } from '../../src/config/types.js';

describe('defineConfig', () => {
  it('returns the very object it was given, unchanged', () => {
    const config: StackpilotConfig = { project: 'orders', stacks: { app: { template: 'app.yaml' } } };
    const snapshot = structuredClone(config);

    const result = defineConfig(config);

    expect(result).toBe(config);
    expect(result).toStrictEqual(snapshot);
  });

  it('returns the very function it was given, without calling it', () => {
    let calls = 0;
    const fn = (env: ConfigEnv): StackpilotConfig => {
      calls += 1;
      return { project: 'orders', stage: env.stage, stacks: {} };
    };

    const result = defineConfig(fn);

    expect(result).toBe(fn);
    expect(calls).toBe(0);
  });

  it('keeps async config functions as they are', async () => {
    const fn = (env: ConfigEnv): Promise<StackpilotConfig> => Promise.resolve({ project: env.command, stacks: {} });

    const result = defineConfig(fn);

    expect(result).toBe(fn);
    await expect(result({ stage: 'dev', command: 'deploy' })).resolves.toStrictEqual({ project: 'deploy', stacks: {} });
  });
});

describe('output', () => {
  it('is plain data naming the stack and the output', () => {
    const ref = output('data', 'BucketName');

    expect(ref).toStrictEqual({ output: { stack: 'data', name: 'BucketName' } });
    expect(Object.getPrototypeOf(ref)).toBe(Object.prototype);
  });

  it('survives a JSON round trip, so JSON configs can write the same thing', () => {
    const ref = output('core-infra', 'VpcId');

    expect(JSON.parse(JSON.stringify(ref))).toStrictEqual(ref);
  });
});

describe('ssm', () => {
  it('is plain data naming the parameter', () => {
    const ref = ssm('/orders/prod/db-host');

    expect(ref).toStrictEqual({ ssm: '/orders/prod/db-host' });
    expect(JSON.parse(JSON.stringify(ref))).toStrictEqual(ref);
  });
});

describe('the package entry', () => {
  it('exports the same defineConfig, output and ssm that stacks.config.ts imports', () => {
    expect(publicApi.defineConfig).toBe(defineConfig);
    expect(publicApi.output).toBe(output);
    expect(publicApi.ssm).toBe(ssm);
  });
});
