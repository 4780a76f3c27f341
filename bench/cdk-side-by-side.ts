/**
 * `npm run bench:cdk`: stackpilot, the AWS CDK CLI and an `aws cloudformation deploy` loop deploy
 * the same 8 stacks (bench/cdk-assembly, made by bench/generate-cdk-assembly.ts) to moto, side by
 * side: a first deploy and an unchanged rerun each, on a fresh moto server per tool run, the tools
 * interleaved (the order rotates every round), medians of the rounds. Wall time is the whole CLI
 * process, start to exit, as a user waits for it; API calls are counted by a proxy in front of moto.
 *
 *   npm run bench:cdk [-- --runs 3] [-- --json]
 *
 * Needs python3 with moto 5.2.1 (`pip install 'moto[server]==5.2.1'`), the `aws` CLI, and the
 * npm registry once: the CDK CLI is installed into `${XDG_CACHE_HOME:-~/.cache}/stackpilot-bench/`,
 * not into the project. stackpilot runs from dist/ (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { startMoto } from '../test/harness/moto.js';
import { startCountingProxy } from './counting-proxy.js';
import { ASSEMBLY_DIR } from './generate-cdk-assembly.js';

/** Pinned: a newer CLI may poll differently, and the table should say what it measured. */
export const CDK_CLI_VERSION = '2.1148.1';
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
// The bench's own status checks use the SDK too; its Node-version notice is not a result.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REGION = 'us-east-1';
/** One CLI invocation; far above any run seen, only so that a hung tool cannot hang the bench. */
const TOOL_TIMEOUT_MS = 5 * 60_000;
const TOOLS = ['stackpilot', 'cdk', 'aws-loop'] as const;
type Tool = (typeof TOOLS)[number];

export interface AssemblyStack {
  id: string;
  stackName: string;
  templateFile: string;
  dependencies: string[];
}

interface Measurement {
  seconds: number;
  calls: number;
  byCall: Record<string, number>;
}

interface ToolRun {
  tool: Tool;
  round: number;
  first: Measurement;
  rerun: Measurement;
}

function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'stackpilot-bench');
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: TOOL_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The CDK CLI from the npm registry, installed once into the cache folder (as .ci/run does for Node). */
async function ensureCdkCli(): Promise<string> {
  const dir = join(cacheRoot(), `aws-cdk-${CDK_CLI_VERSION}`);
  const cli = join(dir, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  const installed = await run(process.execPath, [cli, '--version'], REPO_ROOT, process.env).catch(() => undefined);
  if (installed?.code === 0 && installed.stdout.startsWith(CDK_CLI_VERSION)) return cli;
  process.stderr.write(`installing aws-cdk@${CDK_CLI_VERSION} into ${dir}\n`);
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, 'package.json'), '{"private":true}\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', staging, '--no-audit', '--no-fund', '--loglevel=error', '--save-exact'];
  const result = await run(npm, [...args, `aws-cdk@${CDK_CLI_VERSION}`], REPO_ROOT, process.env);
  if (result.code !== 0) throw new Error(`npm install aws-cdk@${CDK_CLI_VERSION} failed:\n${result.stderr}`);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return cli;
}

export async function readAssembly(dir = ASSEMBLY_DIR): Promise<AssemblyStack[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<
      string,
      { type: string; properties?: { stackName?: string; templateFile?: string }; dependencies?: string[] }
    >;
  };
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const { stackName, templateFile } = artifact.properties ?? {};
    if (stackName === undefined || templateFile === undefined)
      throw new Error(`manifest: ${id} has no stackName/templateFile`);
    stacks.push({ id, stackName, templateFile, dependencies: artifact.dependencies ?? [] });
  }
  return stacks;
}

/** Dependency order, stable in manifest order: the order a deploy script would hard-code. */
export function dependencyOrder(stacks: readonly AssemblyStack[]): AssemblyStack[] {
  const done = new Set<string>();
  const order: AssemblyStack[] = [];
  while (order.length < stacks.length) {
    const next = stacks.find((s) => !done.has(s.id) && s.dependencies.every((d) => done.has(d)));
    if (next === undefined) throw new Error('manifest: the stack dependencies have a cycle');
    done.add(next.id);
    order.push(next);
  }
  return order;
}

/** The same stacks, names, templates and edges as stackpilot config (plain JSON, no `output()` needed). */
export function stackpilotConfig(stacks: readonly AssemblyStack[]): string {
  const entries = Object.fromEntries(
    stacks.map((s) => [
      s.id,
      {
        template: `asm/${s.templateFile}`,
        stackName: s.stackName,
        ...(s.dependencies.length ? { dependsOn: s.dependencies } : {}),
      },
    ]),
  );
  return `${JSON.stringify({ project: 'bench', region: REGION, stacks: entries }, null, 2)}\n`;
}

/** Talks to moto and nothing else: test credentials, no user config files, no profile. */
function awsEnv(endpoint: string, cdkHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Removed, not emptied: the AWS CLI refuses an empty AWS_PROFILE ("The config profile () could not be found").
  for (const name of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_SESSION_TOKEN',
    'AWS_ROLE_ARN',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ]) {
    delete env[name];
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The CDK CLI: no telemetry, no registry check for a newer version, its state out of ~/.cdk.
    CDK_HOME: cdkHome,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CI: 'true',
  };
}

/** One deploy of all stacks by one tool, as a list of CLI invocations. */
function commandsFor(tool: Tool, cdkCli: string, stacks: readonly AssemblyStack[]): Array<[string, string[]]> {
  switch (tool) {
    case 'stackpilot':
      return [
        [
          process.execPath,
          [join(REPO_ROOT, 'bin', 'stackpilot.js'), 'deploy', '--config', 'stacks.config.json', '--ci', '--yes'],
        ],
      ];
    case 'cdk':
      return [
        [
          process.execPath,
          [
            cdkCli,
            'deploy',
            '--app',
            'asm',
            '--all',
            '--concurrency',
            '8',
            '--require-approval',
            'never',
            '--no-notices',
          ],
        ],
      ];
    case 'aws-loop':
      return dependencyOrder(stacks).map((s) => [
        'aws',
        [
          'cloudformation',
          'deploy',
          '--template-file',
          `asm/${s.templateFile}`,
          '--stack-name',
          s.stackName,
          '--no-fail-on-empty-changeset',
        ],
      ]);
  }
}

async function stackStatuses(endpoint: string, stacks: readonly AssemblyStack[]): Promise<string[]> {
  const client = new CloudFormationClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    const statuses: string[] = [];
    for (const s of stacks) {
      const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: s.stackName }));
      statuses.push(Stacks?.[0]?.StackStatus ?? 'ABSENT');
    }
    return statuses;
  } finally {
    client.destroy();
  }
}

async function runTool(tool: Tool, round: number, cdkCli: string, stacks: readonly AssemblyStack[]): Promise<ToolRun> {
  const work = await mkdtemp(join(tmpdir(), `stackpilot-bench-cdk-${tool}-`));
  const moto = await startMoto();
  const proxy = await startCountingProxy(moto.endpoint);
  try {
    await cp(ASSEMBLY_DIR, join(work, 'asm'), { recursive: true });
    await writeFile(join(work, 'stacks.config.json'), stackpilotConfig(stacks));
    const env = awsEnv(proxy.endpoint, join(cacheRoot(), 'cdk-home'));
    const deployAll = async (what: string): Promise<Measurement> => {
      proxy.reset();
      const started = performance.now();
      for (const [command, args] of commandsFor(tool, cdkCli, stacks)) {
        const result = await run(command, args, work, env);
        if (result.code !== 0) {
          throw new Error(
            `${tool} ${what} failed (exit ${result.code}): ${command} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`,
          );
        }
      }
      const seconds = (performance.now() - started) / 1000;
      return { seconds, calls: proxy.total(), byCall: proxy.counts() };
    };
    const first = await deployAll('first deploy');
    const created = await stackStatuses(moto.endpoint, stacks);
    if (!created.every((s) => s === 'CREATE_COMPLETE'))
      throw new Error(`${tool}: after the first deploy: ${created.join(', ')}`);
    const rerun = await deployAll('rerun');
    // An unchanged rerun changes nothing: every stack still shows its creation.
    const after = await stackStatuses(moto.endpoint, stacks);
    if (!after.every((s) => s === 'CREATE_COMPLETE')) throw new Error(`${tool}: after the rerun: ${after.join(', ')}`);
    return { tool, round, first, rerun };
  } finally {
    await proxy.close();
    await moto.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

interface Summary {
  tool: Tool;
  firstSeconds: number;
  firstCalls: number;
  rerunSeconds: number;
  rerunCalls: number;
}

function summarize(runs: readonly ToolRun[]): Summary[] {
  return TOOLS.map((tool) => {
    const mine = runs.filter((r) => r.tool === tool);
    return {
      tool,
      firstSeconds: median(mine.map((r) => r.first.seconds)),
      firstCalls: median(mine.map((r) => r.first.calls)),
      rerunSeconds: median(mine.map((r) => r.rerun.seconds)),
      rerunCalls: median(mine.map((r) => r.rerun.calls)),
    };
  });
}

function table(summaries: readonly Summary[], rounds: number): string {
  const cdk = summaries.find((s) => s.tool === 'cdk');
  const ratio = (value: number, base: number | undefined): string => (base ? `${(value / base).toFixed(2)}×` : '');
  const lines = [
    `medians of ${rounds} interleaved rounds, a fresh moto server per tool run`,
    '',
    '| tool | first deploy | API calls | vs cdk | unchanged rerun | API calls | vs cdk |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of summaries) {
    lines.push(
      `| ${s.tool} | ${s.firstSeconds.toFixed(2)} s | ${s.firstCalls} | ${ratio(s.firstSeconds, cdk?.firstSeconds)} | ` +
        `${s.rerunSeconds.toFixed(2)} s | ${s.rerunCalls} | ${ratio(s.rerunSeconds, cdk?.rerunSeconds)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function parseArgs(argv: string[]): { runs: number; json: boolean } {
  let runs = 3;
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--runs') {
      runs = Number(argv[(i += 1)]);
      if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of rounds, 1 or more');
    } else throw new Error(`unknown argument ${arg}; usage: npm run bench:cdk [-- --runs N] [-- --json]`);
  }
  return { runs, json };
}

async function main(): Promise<void> {
  const { runs, json } = parseArgs(process.argv.slice(2));
  const cdkCli = await ensureCdkCli();
  const stacks = await readAssembly();
  const results: ToolRun[] = [];
  for (let round = 0; round < runs; round += 1) {
    // Rotated every round, so that no tool always runs first (a cold disk cache) or last.
    const order = TOOLS.map((_, i) => TOOLS[(i + round) % TOOLS.length] as Tool);
    for (const tool of order) {
      const result = await runTool(tool, round, cdkCli, stacks);
      results.push(result);
      process.stderr.write(
        `round ${round + 1} ${tool}: first ${result.first.seconds.toFixed(2)} s / ${result.first.calls} calls, ` +
          `rerun ${result.rerun.seconds.toFixed(2)} s / ${result.rerun.calls} calls\n`,
      );
    }
  }
  const summaries = summarize(results);
  process.stdout.write(
    json
      ? `${JSON.stringify({ cdkCliVersion: CDK_CLI_VERSION, summaries, runs: results }, null, 2)}\n`
      : table(summaries, runs),
  );
}

if (process.argv[1] && resolvePath(process.argv[1]).endsWith('cdk-side-by-side.ts')) await main();
