import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SyntheticStack } from './synthetic-project.js';

/** A benchmark scenario: a graph, its timings, and the concurrency every strategy gets. */
export interface BenchScenario {
  name: string;
  concurrency: number;
  stacks: (SyntheticStack & { changeSetSeconds: number; createSeconds: number })[];
}

const fileSchema = z.strictObject({
  name: z.string().min(1),
  concurrency: z.number().int().positive(),
  stacks: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/),
        dependsOn: z.array(z.string()).default([]),
        changeSetSeconds: z.number().positive(),
        createSeconds: z.number().positive(),
        resources: z.number().int().positive().optional(),
        outputsFrom: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});

/** `--scenario FILE`: `{"name","concurrency","stacks":[{"id","dependsOn":[],"changeSetSeconds","createSeconds"}]}`. */
export async function loadBenchScenario(file: string): Promise<BenchScenario> {
  const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')) as unknown);
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Twelve stacks as a product team has them: network and keys first, stateful stores, then
 * services of different weights, a frontend and the cross-cutting monitoring and backup.
 * Durations are what such stacks take in CloudFormation (tables and CloudFront are slow).
 */
export function realisticScenario(): BenchScenario {
  const s = (id: string, dependsOn: string[], createSeconds: number, extra: Partial<SyntheticStack> = {}) => ({
    id,
    dependsOn,
    changeSetSeconds: 6,
    createSeconds,
    resources: Math.max(2, Math.round(createSeconds / 25)),
    ...extra,
  });
  return {
    name: 'realistic-12',
    concurrency: 8,
    stacks: [
      s('network', [], 180),
      s('kms', [], 45),
      s('dns', ['network'], 60),
      s('database', ['network', 'kms'], 600, { outputsFrom: ['kms'] }),
      s('cache', ['network'], 420),
      s('queues', ['kms'], 40),
      s('auth', ['dns'], 150),
      s('api', ['database', 'cache', 'auth', 'queues'], 240, { outputsFrom: ['auth'] }),
      s('workers', ['database', 'queues'], 200),
      s('frontend', ['dns', 'auth'], 900),
      s('monitoring', ['api', 'workers'], 90),
      s('backup', ['database'], 60),
    ],
  };
}

/** A seeded random DAG: 200 stacks, each with up to 3 dependencies among earlier ones, durations from 20 s to 15 min. */
export function randomScenario(count = 200, seed = 42): BenchScenario {
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32: small, fast and good enough for a reproducible benchmark graph.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const stacks: BenchScenario['stacks'] = [];
  for (let i = 0; i < count; i += 1) {
    const deps = new Set<string>();
    const wanted = i === 0 ? 0 : Math.floor(random() * 4);
    for (let d = 0; d < wanted; d += 1) {
      // Mostly recent stacks: graphs are deep, not only wide.
      const back = 1 + Math.floor(random() * random() * Math.min(i, 40));
      deps.add(`s${i - back}`);
    }
    // Heavy-tailed durations: most stacks are quick, a few are very slow.
    const createSeconds = Math.round(20 + 880 * random() ** 3);
    const dependsOn = [...deps];
    stacks.push({
      id: `s${i}`,
      dependsOn,
      changeSetSeconds: 3 + Math.round(random() * 12),
      createSeconds,
      resources: 1 + Math.floor(random() * 8),
      outputsFrom: dependsOn.filter(() => random() < 0.3),
    });
  }
  return { name: `random-${count}`, concurrency: 10, stacks };
}
