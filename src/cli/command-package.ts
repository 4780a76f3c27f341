import { apiRateOption, loadSelection, pickAccount } from './command-options.js';
import { basename, extname, join, resolve } from 'node:path';
import { displayPath } from '../config/resolve-config.js';
import { packageStacks } from '../engine/index.js';
import { packagedText } from '../ui/packaged-text.js';
import { writeFileAtomic } from '../write-file-atomic.js';

import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import { openAccount } from './open-account.js';

export interface PackageOptions extends GlobalOptions {
  outputDir: string;
  profile?: string;
  endpointUrl?: string;
  simulate?: string | true;
  simulateState?: string;
  apiRate?: string;
  exclusively?: boolean;
  withDependents?: boolean;
}

/**
 * `stackpilot package`: local code and nested templates zipped and uploaded to the artifacts
 * bucket, and the packaged templates written to a folder, for review or for another tool;
 * nothing is deployed.
 */
export async function runPackage(stacks: string[], options: PackageOptions, ctx: CliContext): Promise<number> {
  const apiRate = apiRateOption(options.apiRate);
  const { project, selected } = await loadSelection('package', stacks, options, ctx);
  const account = await openAccount(project, ctx, { ...pickAccount(options), apiRate, watched: false });
  const c = ctx.colors.stdout;
  try {
    const packaging = await packageStacks({ project, stacks: selected, s3: account.ports.s3, clock: account.clock });
    const outDir = resolve(ctx.cwd, options.outputDir);
    let failed = 0;
    for (const id of project.orderings.order.filter((s) => selected.includes(s))) {
      const stack = project.config.stacks.find((s) => s.id === id);
      const template = project.templates.get(id);
      if (!stack || !template) continue;
      const file = join(outDir, `${id}${extname(stack.templatePath) || '.yaml'}`);
      const stackPackaging = packaging.of(id);
      if (!stackPackaging) {
        await writeFileAtomic(file, template.body, { display: displayPath(file, ctx.cwd) });
        ctx.stdout.write(`${c.bold(id)}: nothing to package → ${displayPath(file, ctx.cwd)}\n`);
        continue;
      }
      try {
        const ready = await stackPackaging.ready;
        const stats = await stackPackaging.stats;
        await writeFileAtomic(file, ready.body, { display: displayPath(file, ctx.cwd) });
        // Nested templates live in S3 (their URLs are in the parent); a copy here is for review.
        for (const nested of stackPackaging.nested) {
          const nestedFile = join(
            outDir,
            `${id}.nested`,
            `${basename(nested.template, extname(nested.template))}-` +
              `${nested.key.split('/').at(-1)?.slice(0, 12) ?? ''}${extname(nested.template)}`,
          );
          await writeFileAtomic(nestedFile, nested.body, { display: displayPath(nestedFile, ctx.cwd) });
        }
        ctx.stdout.write(
          `${c.bold(id)}: ${packagedText({ type: 'stack:packaged', stack: id, stackName: stack.stackName, ...stats })}` +
            ` → ${displayPath(file, ctx.cwd)}\n`,
        );
        for (const a of stackPackaging.artifacts) {
          ctx.stdout.write(
            c.dim(
              `  ${a.logicalId}.${a.property}  ${a.path}  → s3://${project.config.artifacts?.bucket ?? ''}/${a.key}` +
                `${a.uploaded ? '  (uploaded)' : '  (already there)'}\n`,
            ),
          );
        }
      } catch (error) {
        failed += 1;
        ctx.stdout.write(`${c.bold(id)}: ${c.red(error instanceof Error ? error.message : String(error))}\n`);
      }
    }
    await packaging.settled();
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await account.close();
  }
}
