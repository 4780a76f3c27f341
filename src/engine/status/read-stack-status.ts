import { AwsError } from '../../aws/errors.js';
import type { ChangeSetSummary, CloudFormationPort, SsmPort, StackDescription } from '../../aws/ports.js';
import type { ResolvedStack } from '../../config/resolve-config.js';
import type { TemplateInfo } from '../../template/analyze-template.js';
import { DeployError } from '../deploy-errors.js';
import { resolveParameters } from '../deploy/resolve-parameters.js';
import { reviewStackOwner } from '../guards/review-stack-owner.js';
import { compareDeployment, resolvesSsmAtDeploy } from '../deploy/same-deployment.js';
import type { DeploymentDifferences } from '../deploy/same-deployment.js';
import { isFailedCreation, isInProgress, isUpdatable } from '../stack-status.js';
import type { DriftResult } from '../drift/detect-drift.js';

/**
 * Where a stack stands for the next deploy:
 * - `deployable`: deploy can go ahead (it may still have changes to make);
 * - `not-deployed`: no stack of that name: deploy creates it (its own state, not an error);
 * - `blocked`: something would stop a deploy of it; `problems` say what and the next step;
 * - `unknown`: it could not be read (credentials, network): nobody can say it is deployable.
 */
export type StackReadiness = 'deployable' | 'not-deployed' | 'blocked' | 'unknown';

/** A finding about a stack, with the command or step that deals with it. */
export interface StatusProblem {
  /** Stable, for scripts: e.g. `FAILED_CREATE`, `IN_PROGRESS`, `LEFTOVER_CHANGE_SETS`. */
  code: string;
  /** `blocking`: a deploy would stop on it; `warning`: worth knowing, deploy goes on. */
  severity: 'blocking' | 'warning';
  message: string;
  next: string;
}

/** The change set of a stack that is still there (ListChangeSets). */
export interface LeftoverChangeSet {
  name: string;
  status: string | undefined;
  executionStatus: string | undefined;
}

/** What `stackpilot status` says about one stack of the config. */
export interface StackStatusReport {
  /** The config id. */
  stack: string;
  /** The CloudFormation stack name. */
  stackName: string;
  readiness: StackReadiness;
  /** The CloudFormation stack status; undefined when the stack does not exist. */
  status: string | undefined;
  /** Last update, else creation, as ISO 8601. */
  lastUpdated: string | undefined;
  /**
   * Which of template, parameters and tags differ from what is deployed, by the same comparison
   * deploy uses to skip unchanged stacks; undefined when it cannot be compared (`differsNote` says why).
   */
  differs: DeploymentDifferences | undefined;
  differsNote: string | undefined;
  terminationProtection: boolean | undefined;
  /** Whether the config asks for termination protection (deploy sets it). */
  terminationProtectionWanted: boolean;
  changeSets: LeftoverChangeSet[];
  problems: StatusProblem[];
  /** `stateful: true` in the config: drift here is reported first and fails `status --drift`. */
  stateful: boolean;
  /** With `--drift`, for a stack that could be checked: what drift detection found. */
  drift: DriftResult | undefined;
}

export interface StackStatusContext {
  cf: CloudFormationPort;
  ssm: SsmPort;
  /** Outputs of a deployed upstream stack; undefined when it has none deployed. */
  deployedOutputsOf: (stackId: string) => Promise<Record<string, string> | undefined>;
  /** The template as deploy would send it (packaged), when it differs from the file. */
  templateBody?: string;
}

/**
 * Reads one stack the way deploy would meet it (DESIGN.md, "Deploying one stack", steps 1-3),
 * changing nothing: DescribeStacks, GetTemplate, ListChangeSets and the reads that resolve its
 * parameters (upstream outputs from the deployed stacks, SSM).
 */
export async function readStackStatus(
  stack: ResolvedStack,
  template: TemplateInfo,
  ctx: StackStatusContext,
): Promise<StackStatusReport> {
  const base: StackStatusReport = {
    stack: stack.id,
    stackName: stack.stackName,
    readiness: 'not-deployed',
    status: undefined,
    lastUpdated: undefined,
    differs: undefined,
    differsNote: undefined,
    terminationProtection: undefined,
    terminationProtectionWanted: stack.terminationProtection,
    changeSets: [],
    problems: [],
    stateful: stack.stateful,
    drift: undefined,
  };
  const deployed = await ctx.cf.describeStack(stack.stackName);
  if (!deployed || deployed.status === 'DELETE_COMPLETE') return base;

  const report: StackStatusReport = {
    ...base,
    readiness: 'deployable',
    status: deployed.status,
    lastUpdated: (deployed.lastUpdatedTime ?? deployed.creationTime)?.toISOString(),
    terminationProtection: deployed.terminationProtection,
  };
  const problem = await statusProblem(stack, deployed, ctx.cf);
  if (problem) report.problems.push(problem);

  report.changeSets = await leftoverChangeSets(ctx.cf, deployed, report.problems);
  if (report.changeSets.length > 0 && deployed.status !== 'REVIEW_IN_PROGRESS') {
    const names = report.changeSets.map((c) => c.name);
    report.problems.push({
      code: 'LEFTOVER_CHANGE_SETS',
      severity: 'warning',
      message: `${names.length} change ${names.length === 1 ? 'set' : 'sets'} not executed: ${names.join(', ')}`,
      next: `review and execute, or delete: ${names.map((n) => deleteChangeSetCommand(stack.stackName, n)).join('; ')}`,
    });
  }
  if (deployed.terminationProtection !== stack.terminationProtection) {
    report.problems.push({
      code: 'TERMINATION_PROTECTION',
      severity: 'warning',
      message:
        `termination protection is ${onOff(deployed.terminationProtection)}, ` +
        `the config wants it ${onOff(stack.terminationProtection)}`,
      next: `the next deploy of ${stack.id} turns it ${stack.terminationProtection ? 'on' : 'off'}`,
    });
  }

  if (isUpdatable(deployed.status)) await compare(stack, template, deployed, ctx, report);
  else report.differsNote = `nothing to compare while the stack is ${deployed.status}`;

  if (report.problems.some((p) => p.severity === 'blocking')) report.readiness = 'blocked';
  return report;
}

function deleteChangeSetCommand(stackName: string, changeSetName: string): string {
  return `aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${changeSetName}`;
}

function onOff(flag: boolean | undefined): 'on' | 'off' {
  return flag ? 'on' : 'off';
}

/** The states deploy refuses or cannot finish (the same list and wording of next steps as deploy). */
async function statusProblem(
  stack: ResolvedStack,
  deployed: StackDescription,
  cf: CloudFormationPort,
): Promise<StatusProblem | undefined> {
  const name = stack.stackName;
  const status = deployed.status;
  if (isFailedCreation(status)) {
    return {
      code: 'FAILED_CREATE',
      severity: 'blocking',
      message: `${status}: its first create failed, and CloudFormation can only delete it`,
      next:
        `stackpilot deploy ${stack.id} --replace-failed (deletes it and creates it again), ` +
        `or: aws cloudformation delete-stack --stack-name ${name}`,
    };
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return {
      code: 'ROLLBACK_FAILED',
      severity: 'blocking',
      message: 'UPDATE_ROLLBACK_FAILED: a rollback could not finish, and the stack cannot be updated until it does',
      next:
        `fix what blocked the rollback (see its events), then: ` +
        `aws cloudformation continue-update-rollback --stack-name ${name} ` +
        `(add --resources-to-skip LogicalId ... for resources that cannot be restored)`,
    };
  }
  if (status === 'DELETE_FAILED') {
    return {
      code: 'DELETE_FAILED',
      severity: 'blocking',
      message: 'DELETE_FAILED: an earlier delete did not finish',
      next:
        `finish the delete: aws cloudformation delete-stack --stack-name ${name} ` +
        `(with --retain-resources for resources that cannot be deleted)`,
    };
  }
  if (status === 'REVIEW_IN_PROGRESS') {
    const owner = await reviewStackOwner(cf, deployed);
    if (owner.ours) {
      return {
        code: 'REVIEW_LEFT_BY_STACKPILOT',
        severity: 'warning',
        message: 'REVIEW_IN_PROGRESS: left by an earlier stackpilot run that did not execute its change set',
        next: `nothing: the next deploy of ${stack.id} removes it and creates the stack`,
      };
    }
    return {
      code: 'FOREIGN_REVIEW_STACK',
      severity: 'blocking',
      message: `REVIEW_IN_PROGRESS, made by another tool: ${owner.why}`,
      next:
        'review or execute that change set with the tool that made it, ' +
        `or, if nothing needs it: aws cloudformation delete-stack --stack-name ${name}`,
    };
  }
  if (isInProgress(status)) {
    return {
      code: 'IN_PROGRESS',
      severity: 'blocking',
      message: `${status}: an operation is running on it`,
      next: `wait for it to end (aws cloudformation describe-stack-events --stack-name ${name}); deploy itself waits up to --wait-timeout`,
    };
  }
  if (!isUpdatable(status)) {
    return {
      code: 'NOT_UPDATABLE',
      severity: 'blocking',
      message: `${status}: the stack cannot be updated`,
      next: 'look at the stack in the CloudFormation console and bring it to a stable state first',
    };
  }
  return undefined;
}

async function leftoverChangeSets(
  cf: CloudFormationPort,
  deployed: StackDescription,
  problems: StatusProblem[],
): Promise<LeftoverChangeSet[]> {
  let summaries: ChangeSetSummary[];
  try {
    summaries = await cf.listChangeSets(deployed.stackId);
  } catch (error) {
    // A role without cloudformation:ListChangeSets still gets the rest of the report.
    if (!(error instanceof AwsError)) throw error;
    problems.push({
      code: 'CHANGE_SETS_UNREADABLE',
      severity: 'warning',
      message: `its change sets could not be listed: ${error.serviceMessage}`,
      next: 'grant cloudformation:ListChangeSets to see leftover change sets',
    });
    return [];
  }
  // An executed change set is history, not a leftover.
  return summaries
    .filter((c) => c.executionStatus !== 'EXECUTE_COMPLETE' && c.executionStatus !== 'OBSOLETE')
    .map((c) => ({ name: c.changeSetName, status: c.status, executionStatus: c.executionStatus }));
}

/** Template, parameters and tags against the deployed stack, as deploy's unchanged check does it. */
async function compare(
  stack: ResolvedStack,
  template: TemplateInfo,
  deployed: StackDescription,
  ctx: StackStatusContext,
  report: StackStatusReport,
): Promise<void> {
  if (resolvesSsmAtDeploy(template)) {
    report.differsNote =
      'SSM-typed parameters are resolved by CloudFormation at deploy: deploy always makes a change set';
    return;
  }
  let missingUpstream: string | undefined;
  let parameters;
  try {
    ({ parameters } = await resolveParameters(
      stack,
      template,
      async (upstream) => {
        const outputs = await ctx.deployedOutputsOf(upstream);
        if (!outputs) {
          missingUpstream = upstream;
          throw new DeployError('UPSTREAM_NOT_DEPLOYED', `${upstream} is not deployed`);
        }
        return outputs;
      },
      ctx.ssm,
    ));
  } catch (error) {
    if (missingUpstream !== undefined) {
      report.differsNote = `its parameters take outputs of ${missingUpstream}, which is not deployed: known after deploying it`;
      return;
    }
    if (!(error instanceof DeployError)) throw error;
    report.differsNote = `its parameters cannot be resolved: ${error.message}`;
    report.problems.push({
      code: error.code,
      severity: 'warning',
      message: error.message,
      next: error.hint ?? 'fix the config or deploy the stack it reads from',
    });
    return;
  }
  const deployedTemplate = await ctx.cf.getTemplate(deployed.stackId);
  report.differs = compareDeployment({
    deployed,
    deployedTemplate,
    templateBody: ctx.templateBody ?? template.body,
    templateFile: stack.templateDisplay,
    template,
    parameters,
    tags: stack.tags,
  });
}
