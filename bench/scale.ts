/**
 * `npm run bench:scale`: how long a user with a very large system waits for `stackpilot graph`
 * and `stackpilot validate` (template checks included), at 1,000, 3,000 and 10,000 stacks, run
 * as a user runs them: the built CLI (`npm run build` first) in a child process, on projects from
 * `generate-config.ts`. Each is timed with the compiler cache empty (`cold`: a fresh checkout's
 * first run) and then kept (`warm`); the median of `--runs` (default 3), wall time and the
 * child's CPU time (user + system), with the load average: on a shared machine wall time says
 * more about the neighbours than about stackpilot.
 *
 *   npm run bench:scale [-- --sizes 1000,3000] [-- --runs 5] [-- --json] [-- --cli OTHER/bin/stackpilot.js]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateConfig } from './generate-config.js';

const DEFAULT_CLI = fileURLToPath(new URL('../bin/stackpilot.js', import.meta.url));
/** Preloaded into the child: writes its own CPU time (ms) where SP_CPU_FILE says, as it exits. */
const CPU_REPORT =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); " +
      'writeFileSync(process.env.SP_CPU_FILE, String((u.user + u.system) / 1000)); });',
  );

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timeOnce(
  cli: string,
  command: string,
  config: string,
  cacheHome: string,
  scratch: string,
): Promise<Timing> {
  const cpuFile = join(scratch, 'cpu.txt');
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', CPU_REPORT, cli, command, '--config', config], {
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, SP_CPU_FILE: cpuFile, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0)
    throw new Error(`${command} failed (${child.status ?? child.signal}): ${String(child.stderr)}`);
  return { wallMs, cpuMs: Number(await readFile(cpuFile, 'utf8')) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const sizes = (option('--sizes') ?? '1000,3000,10000').split(',').map(Number);
  const runs = Number(option('--runs') ?? 3);
  // Another build of stackpilot (its bin/stackpilot.js), to compare before and after a change.
  const cli = option('--cli') ?? DEFAULT_CLI;
  const scratch = await mkdtemp(join(tmpdir(), 'stackpilot-scale-'));
  const rows: { stacks: number; command: string; cache: 'cold' | 'warm'; wallMs: number; cpuMs: number }[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  try {
    for (const stacks of sizes) {
      const config = await generateConfig(join(scratch, `p${stacks}`), stacks);
      for (const command of ['graph', 'validate']) {
        const cold: Timing[] = [];
        const warm: Timing[] = [];
        for (let run = 0; run < runs; run += 1) {
          // Cold and warm alternate, so that a busy moment of the machine hits both alike.
          const cacheHome = join(scratch, `cache-${stacks}-${command}-${run}`);
          cold.push(await timeOnce(cli, command, config, cacheHome, scratch));
          warm.push(await timeOnce(cli, command, config, cacheHome, scratch));
        }
        for (const [cache, list] of [
          ['cold', cold],
          ['warm', warm],
        ] as const)
          rows.push({
            stacks,
            command,
            cache,
            wallMs: Math.round(median(list.map((t) => t.wallMs))),
            cpuMs: Math.round(median(list.map((t) => t.cpuMs))),
          });
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const load = { before: loadBefore, after: loadavg()[0] ?? 0 };
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ runs, load, rows })}\n`);
    return;
  }
  process.stdout.write(
    `graph and validate, built CLI, median of ${runs}; load average ${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after\n`,
  );
  process.stdout.write('  stacks  command   compiler cache     wall      cpu  cpu per stack\n');
  for (const r of rows)
    process.stdout.write(
      `  ${String(r.stacks).padStart(6)}  ${r.command.padEnd(8)}  ${r.cache.padEnd(14)}  ${`${r.wallMs} ms`.padStart(8)}  ${`${r.cpuMs} ms`.padStart(8)}  ${`${(r.cpuMs / r.stacks).toFixed(2)} ms`.padStart(13)}\n`,
    );
}

await main();
