/**
 * Packaging, in real time (issue 7): the example's app stack (two functions, a layer, a nested
 * template) and a synthetic 20 MB layer of 2,000 files, each packaged twice into an in-memory
 * bucket: the first run hashes the sources, zips and uploads; the rerun hashes the sources (that
 * is how it knows nothing changed: keys are source hashes) and neither zips nor uploads.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { S3Port } from '../src/aws/ports.js';
import { packageStacks } from '../src/engine/package-stacks.js';
import { loadProject } from '../src/graph/load-project.js';
import { packageTemplate } from '../src/package/index.js';
import type { ArtifactStore } from '../src/package/index.js';

export interface PackagingRun {
  ms: number;
  uploaded: number;
  uploadedBytes: number;
  zippedBytes: number;
}

export interface PackagingBench {
  example: { first: PackagingRun; rerun: PackagingRun };
  largeLayer: { files: number; unzippedBytes: number; first: PackagingRun; rerun: PackagingRun; rssGrowthMb: number };
}

/** An S3 bucket in memory: what the engine's packaging talks to, without a network. */
function memoryBucket(bucket: string): S3Port & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    bucketRegion: (name) =>
      name === bucket ? Promise.resolve('us-east-1') : Promise.reject(new Error(`no bucket ${name}`)),
    objectExists: (_name, key) => Promise.resolve(objects.has(key)),
    putObject: ({ key, body }) => {
      objects.set(key, body);
      return Promise.resolve();
    },
  };
}

async function exampleRun(root: string, s3: S3Port): Promise<PackagingRun> {
  const project = await loadProject({ cwd: root, command: 'package' });
  const start = performance.now();
  const packaging = await packageStacks({ project, stacks: project.orderings.order, s3 });
  const stats = await packaging.of('app')?.stats;
  await packaging.settled();
  return {
    ms: Math.round(performance.now() - start),
    uploaded: stats?.uploaded ?? 0,
    uploadedBytes: stats?.uploadedBytes ?? 0,
    zippedBytes: stats?.bytes ?? 0,
  };
}

/** Deterministic text that compresses like code (repeated words, varying identifiers). */
function sourceLike(seed: number, bytes: number): string {
  const words = [
    'import',
    'def',
    'return',
    'self',
    'value',
    'items',
    'for',
    'in',
    'if',
    'else',
    'None',
    'True',
    'json',
    'data',
  ];
  let state = seed;
  let out = '';
  while (out.length < bytes) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += `${words[state % words.length] ?? ''}_${(state >> 8) % 997} `;
    if (state % 11 === 0) out += '\n    ';
  }
  return out.slice(0, bytes);
}

export async function benchPackaging(root: string): Promise<PackagingBench> {
  const exampleBucket = memoryBucket('orders-dev-artifacts');
  const example = { first: await exampleRun(root, exampleBucket), rerun: await exampleRun(root, exampleBucket) };

  const dir = await mkdtemp(join(tmpdir(), 'stackpilot-bench-layer-'));
  try {
    const files = 2000;
    const size = 10_000;
    for (let i = 0; i < files; i += 1) {
      const folder = join(dir, 'layer', 'python', `pkg${i % 40}`);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `module_${i}.py`), sourceLike(i, size));
    }
    const templateFile = join(dir, 'template.yaml');
    const templateText =
      'Resources:\n  Layer:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n      Content: layer\n';
    await writeFile(templateFile, templateText);
    const objects = new Map<string, Uint8Array>();
    const store: ArtifactStore = {
      exists: (key) => Promise.resolve(objects.has(key)),
      put: (key, body) => {
        objects.set(key, body);
        return Promise.resolve();
      },
    };
    const rssBefore = process.memoryUsage().rss;
    const layerRun = async (): Promise<PackagingRun> => {
      const start = performance.now();
      const result = await packageTemplate({ templateFile, templateText, bucket: 'bench', region: 'us-east-1', store });
      const uploaded = result.artifacts.filter((a) => a.uploaded);
      return {
        ms: Math.round(performance.now() - start),
        uploaded: uploaded.length,
        uploadedBytes: uploaded.reduce((n, a) => n + a.bytes, 0),
        zippedBytes: result.artifacts.reduce((n, a) => n + a.bytes, 0),
      };
    };
    const first = await layerRun();
    const rerun = await layerRun();
    const rssGrowthMb = Math.round(((process.memoryUsage().rss - rssBefore) / 1024 / 1024) * 10) / 10;
    return { example, largeLayer: { files, unzippedBytes: files * size, first, rerun, rssGrowthMb } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatPackaging(p: PackagingBench): string {
  const run = (r: PackagingRun): string => `${r.ms} ms, ${r.uploaded} uploaded (${r.uploadedBytes} bytes)`;
  return [
    `packaging (real time): example app stack, ${p.example.first.zippedBytes} bytes zipped: first ${run(p.example.first)}; rerun ${run(p.example.rerun)}`,
    `  synthetic layer, ${p.largeLayer.files} files, ${(p.largeLayer.unzippedBytes / 1e6).toFixed(0)} MB → ${(p.largeLayer.first.zippedBytes / 1e6).toFixed(1)} MB zipped: first ${run(p.largeLayer.first)}; rerun ${run(p.largeLayer.rerun)}; RSS +${p.largeLayer.rssGrowthMb} MB`,
  ].join('\n');
}
