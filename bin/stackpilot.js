#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('stackpilot is not built: run `npm run build` in its folder (npm ci does it for you).\n');
  process.exit(1);
}
const { main, processContext } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), processContext());
