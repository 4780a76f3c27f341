/**
 * vitest globalSetup: starts one patched moto server for the whole run and provides its endpoint
 * to test files as `inject('motoEndpoint')` (or through `useMoto()` in aws-env.ts).
 *
 * Wire it up in vitest.config.ts with `globalSetup: ['./test/harness/global-setup.ts']`.
 */
import type { TestProject } from 'vitest/node';
import { startMoto } from './moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return async () => {
    await moto.stop();
  };
}
