import { apiRateOption, loadSelection, pickAccount } from './command-options.js';
import { previewPackagedTemplates } from '../engine/index.js';
import type { Project } from '../graph/load-project.js';
import { asResourceChanges, predictChanges } from '../engine/index.js';
import type { StackPredictionResult } from '../engine/index.js';
import { checkStatefulChanges } from '../engine/index.js';
import { loadResourceSpec } from '../spec/resource-spec.js';
import type { ResourceSpec } from '../spec/resource-spec.js';
import { parseTemplate } from '../template/parse-template.js';
import { formatPrediction } from '../ui/prediction-report.js';
import type { AwsPorts } from '../aws/ports.js';

import { openAccount } from './open-account.js';
import { parseAllowReplace } from './allow-replace.js';
import type { CliContext } from './context.js';
import { EXIT_FAILURE, EXIT_OK } from './context.js';
import type { ValidateOptions } from './command-validate.js';

/**
 * `validate --against-deployed`: per selected stack, DescribeStacks and GetTemplate only, the
 * templates diffed offline and judged by the resource spec and the data guard of `deploy`.
 */
export async function runAgainstDeployed(stacks: string[], options: ValidateOptions, ctx: CliContext): Promise<number> {
  const { project, selected } = await loadSelection('validate', stacks, options, ctx);
  const allowReplace = parseAllowReplace(options.allowReplace, project);
  const apiRate = apiRateOption(options.apiRate ?? '5');
  const account = await openAccount(project, ctx, { ...pickAccount(options), apiRate, watched: false });
  try {
    const spec = await loadResourceSpec();
    const results: StackPredictionResult[] = [];
    // One stack at a time: two read calls each, under the account's API budget anyway.
    // Local code is compared as deploy would send it: zipped and keyed by content, not uploaded.
    const packaged = await previewPackagedTemplates({ project, stacks: selected, s3: account.ports.s3 });
    for (const id of selected)
      results.push(await predictStack(id, project, account.ports, spec, allowReplace, packaged.get(id)));
    ctx.stdout.write(formatPrediction(results, spec.source, ctx.colors.stdout));
    return results.some((r) => r.blocked.length > 0 || r.problem !== undefined) ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await account.close();
  }
}

async function predictStack(
  id: string,
  project: Project,
  ports: AwsPorts,
  spec: ResourceSpec,
  allowReplace: ReadonlySet<string>,
  packagedBody: string | undefined,
): Promise<StackPredictionResult> {
  const stack = project.config.stacks.find((s) => s.id === id);
  const template = project.templates.get(id);
  const base: StackPredictionResult = {
    stack: id,
    stackName: stack?.stackName ?? id,
    prediction: undefined,
    status: undefined,
    blocked: [],
    warnings: [],
    problem: undefined,
  };
  if (!stack || !template) return { ...base, problem: 'not in the project' };
  const local = parseTemplate(packagedBody ?? template.body, stack.templateDisplay).body;
  const deployed = await ports.cloudFormation.describeStack(stack.stackName);
  // A stack under review (a CREATE change set) or whose first create failed holds nothing to diff with.
  if (!deployed || deployed.status === 'REVIEW_IN_PROGRESS' || deployed.status === 'ROLLBACK_COMPLETE') {
    return { ...base, status: deployed?.status, prediction: predictChanges({ deployed: undefined, local, spec }) };
  }
  let deployedBody;
  try {
    // The deployed text may be JSON or YAML; JSON is YAML, so one parser reads both.
    deployedBody = parseTemplate(
      await ports.cloudFormation.getTemplate(deployed.stackId),
      `${stack.stackName} (deployed).yaml`,
    ).body;
  } catch (error) {
    return {
      ...base,
      status: deployed.status,
      problem: `cannot read the deployed template: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const prediction = predictChanges({ deployed: deployedBody, local, spec });
  if (!prediction.deployed) return { ...base, status: deployed.status, prediction };
  const guard = checkStatefulChanges({
    stack: id,
    stateful: stack.stateful,
    changes: asResourceChanges(prediction.resources),
    deployedTemplate: deployedBody,
    allowReplace,
  });
  return { ...base, status: deployed.status, prediction, blocked: guard.blocked, warnings: guard.warnings };
}
