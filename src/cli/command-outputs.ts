import { apiRateOption, loadSelection, pickAccount } from './command-options.js';
import { displayPath } from '../config/resolve-config.js';
import { deployedOutputsReader } from '../engine/deployed-outputs.js';
import { writeOutputsFile } from '../engine/outputs-file.js';
import { readStackOutputs } from '../engine/read-outputs.js';
import { UsageError } from '../errors.js';
import { formatOutputsJson, formatOutputsTable, notDeployedReason } from '../ui/outputs-report.js';
import type { CliContext, GlobalOptions } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import { openAccount } from './open-account.js';
import type { SharedOptionValues } from './shared-options.js';

export interface OutputsOptions
  extends
    GlobalOptions,
    Pick<
      SharedOptionValues,
      'simulate' | 'simulateState' | 'endpointUrl' | 'profile' | 'apiRate' | 'output' | 'exclusively' | 'withDependents'
    > {
  write?: boolean;
}

/**
 * `stackpilot outputs [stacks...]`: the deployed outputs of the selected stacks (all by default),
 * read with DescribeStacks; with `--write`, the config's outputs file as deploy writes it, without
 * deploying. A stack that is not deployed is named and makes the exit code 1; the others print.
 */
export async function runOutputs(stacks: string[], options: OutputsOptions, ctx: CliContext): Promise<number> {
  const apiRate = apiRateOption(options.apiRate);
  // The selection means what it means for every command: named stacks and their upstream ones.
  const { project, selected } = await loadSelection('outputs', stacks, options, ctx);
  const outputsFile = project.config.outputs;
  if (options.write === true && outputsFile === undefined) {
    throw new UsageError('--write: the config has no `outputs` file to write', {
      hint: 'add `outputs: { file, values }` to the config (see the README), or drop --write',
    });
  }
  const account = await openAccount(project, ctx, { ...pickAccount(options), apiRate, watched: false });
  try {
    const cf = account.ports.cloudFormation;
    const results = await readStackOutputs(project.config, selected, cf);
    let failed = false;
    let fileReport: { file: string; written: boolean; missing: string[] } | undefined;
    if (options.write === true && outputsFile !== undefined) {
      const file = displayPath(outputsFile.file, project.config.configDir);
      const read = new Map(
        results
          .filter((r) => r.deployed)
          .map((r) => [r.stack, Object.fromEntries(r.outputs.map((o) => [o.key, o.value]))]),
      );
      // The file may need stacks that were not named: those are read as deploy would read them.
      const readOthers = deployedOutputsReader(cf, (id) => project.config.stacks.find((s) => s.id === id)?.stackName);
      const written = await writeOutputsFile(
        outputsFile,
        (id) => Promise.resolve(read.get(id)).then((v) => v ?? readOthers(id)),
        file,
      );
      fileReport = { file, ...written };
    }

    if (options.output === 'json') ctx.stdout.write(formatOutputsJson(results, fileReport));
    else ctx.stdout.write(formatOutputsTable(results, ctx.colors.stdout));

    const c = ctx.colors.stderr;
    const stageFlag = project.config.stage === 'dev' ? '' : ` --stage ${project.config.stage}`;
    for (const result of results.filter((r) => !r.deployed)) {
      failed = true;
      ctx.stderr.write(
        `${c.red('error:')} ${result.stack}: ${result.stackName} ${notDeployedReason(result)}\n` +
          `  ${c.cyan('→')} stackpilot deploy ${result.stack}${stageFlag}\n`,
      );
    }
    if (fileReport !== undefined) {
      if (fileReport.written) ctx.stderr.write(`wrote outputs to ${fileReport.file}\n`);
      else {
        failed = true;
        ctx.stderr.write(
          `${c.red('error:')} did not write ${fileReport.file}: missing ${fileReport.missing.join(', ')}\n` +
            `  ${c.cyan('→')} deploy those stacks, then run stackpilot outputs --write again\n`,
        );
      }
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await account.close();
  }
}
