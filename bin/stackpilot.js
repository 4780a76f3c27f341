#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (also run by `npm pack` and `npm test`).
// The published package ships dist/; a clone builds it with `npm run build`.
import { existsSync } from 'node:fs';

// The AWS SDK warns on every run under Node 20 that its 2027 releases will need Node 22. The
// README says so once; repeating it above every deploy's output buries what matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `stackpilot graph | head` closes the pipe early: that ends the output, it is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('stackpilot is not built: run `npm run build` in its folder.\n');
  process.exit(1);
}
const { main, processContext } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), processContext());
// Whatever is still pending now is not stackpilot's (a config's timer, left running when its
// load deadline passed): it must not keep the process, and the exit code, waiting.
setTimeout(() => process.exit(), 2_000).unref();
