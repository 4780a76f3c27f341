import { join } from 'node:path';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { ResolveOptions, ResolveResult, ResolvedConfig, ResolvedStack } from '../../src/config/resolve-config.js';
import { testdir } from '../helpers/testdir.js';

/** The config file's name as problems show it: relative to `cwd`, which is the project folder. */
export const CONFIG = 'stacks.config.ts';

export const TEMPLATE = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n';

/** A project folder with templates/{core,data,app}.yaml (and `extra` files); removed after the test. */
export function projectDir(extra: Record<string, string> = {}): Promise<string> {
  return testdir({
    'templates/core.yaml': TEMPLATE,
    'templates/data.yaml': TEMPLATE,
    'templates/app.yaml': TEMPLATE,
    ...extra,
  });
}

/** resolveConfig for `dir/stacks.config.ts`, run from `dir`. */
export function resolveIn(
  dir: string,
  value: unknown,
  source: string,
  options: Partial<ResolveOptions> = {},
): ResolveResult {
  return resolveConfig(value, join(dir, CONFIG), source, { cwd: dir, ...options });
}

/** The resolved config, failing the test with the problems when there is none. */
export function configOf(result: ResolveResult): ResolvedConfig {
  if (!result.config)
    throw new Error(`expected a resolved config, got problems:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.config;
}

export function stackOf(config: ResolvedConfig, id: string): ResolvedStack {
  const stack = config.stacks.find((s) => s.id === id);
  if (!stack) throw new Error(`no stack "${id}" in ${config.stacks.map((s) => s.id).join(', ')}`);
  return stack;
}

/** 1-based number of the only line containing `text`; throws unless exactly one line does. */
export function lineOf(source: string, text: string): number {
  const hits = source.split('\n').flatMap((line, index) => (line.includes(text) ? [index + 1] : []));
  if (hits.length !== 1)
    throw new Error(`expected exactly one line containing ${JSON.stringify(text)}, found ${hits.length}`);
  return hits[0] as number;
}

/** The location a problem should carry: the config file and the line holding `text`. */
export function at(source: string, text: string): { file: string; line: number } {
  return { file: CONFIG, line: lineOf(source, text) };
}
