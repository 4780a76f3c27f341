/**
 * The committed cloud assembly of `npm run bench:cdk` (bench/cdk-assembly): what the generator
 * writes, the graph the issue asks for, and the same graph as stackpilot sees it from the config
 * the bench gives it.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dependencyOrder, readAssembly, stackpilotConfig } from '../../bench/cdk-side-by-side.js';
import { ASSEMBLY_DIR, generateCdkAssembly } from '../../bench/generate-cdk-assembly.js';
import { runCli } from '../helpers/run-cli.js';

/** s1; s2,s3 <- s1; s4 <- s2; s5 <- s2,s3; s6 <- s4; s7 <- s5; s8 <- s6,s7 (issue 14, "Done when"). */
const DAG = { s1: [], s2: ['s1'], s3: ['s1'], s4: ['s2'], s5: ['s2', 's3'], s6: ['s4'], s7: ['s5'], s8: ['s6', 's7'] };

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stackpilot-cdk-assembly-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('bench/cdk-assembly', () => {
  it('is exactly what bench/generate-cdk-assembly.ts writes', async () => {
    const dir = await tempDir();
    await generateCdkAssembly(dir);
    const committed = (await readdir(ASSEMBLY_DIR)).sort();
    expect((await readdir(dir)).sort()).toEqual(committed);
    for (const file of committed) {
      expect(await readFile(join(dir, file), 'utf8'), file).toBe(await readFile(join(ASSEMBLY_DIR, file), 'utf8'));
    }
  });

  it('has 8 stacks of three resources in the issue graph, with no bootstrap role, rule or asset', async () => {
    const stacks = await readAssembly();
    expect(Object.fromEntries(stacks.map((s) => [s.id, s.dependencies]))).toEqual(DAG);
    expect(dependencyOrder(stacks).map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']);
    const manifest = await readFile(join(ASSEMBLY_DIR, 'manifest.json'), 'utf8');
    expect(manifest).not.toMatch(
      /assumeRoleArn|cloudFormationExecutionRoleArn|requiresBootstrapStackVersion|aws:asset/,
    );
    for (const s of stacks) {
      const template = JSON.parse(await readFile(join(ASSEMBLY_DIR, s.templateFile), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(Object.keys(template)).toEqual(['Resources']);
      expect(Object.keys(template.Resources as object)).toHaveLength(3);
    }
  });

  it('gives stackpilot the same stack names and edges', async () => {
    const dir = await tempDir();
    const stacks = await readAssembly();
    await cp(ASSEMBLY_DIR, join(dir, 'asm'), { recursive: true });
    await writeFile(join(dir, 'stacks.config.json'), stackpilotConfig(stacks));
    const r = await runCli(['graph', '--format', 'json', '--config', 'stacks.config.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout) as { stacks: Array<{ id: string; stackName: string; dependsOn: string[] }> };
    expect(Object.fromEntries(graph.stacks.map((s) => [s.id, [...s.dependsOn].sort()]))).toEqual(DAG);
    expect(graph.stacks.map((s) => s.stackName).sort()).toEqual(stacks.map((s) => s.stackName).sort());
  });
});
