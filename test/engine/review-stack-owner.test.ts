/**
 * Foreign change sets are not ours to delete (issue 11, item 8): a REVIEW_IN_PROGRESS stack is
 * deleted only when its change sets (all `stackpilot-*`) or, with none left, its creation event's
 * client token show a stackpilot run made it; anyone else's is reported with the command to remove
 * it. On the simulator, with the example project.
 */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors.js';
import type { CloudFormationPort } from '../../src/aws/ports.js';
import { reviewStackOwner } from '../../src/engine/guards/review-stack-owner.js';
import { loadProject } from '../../src/graph/load-project.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { doneOf, eventsOf, outcomes, simDeploy, simWorld } from '../scheduler/support.js';

const NAME = 'orders-dev-core-infra';

async function leaveReviewStack(
  cf: CloudFormationPort,
  changeSetName: string,
  clientToken: string,
  stackName = NAME,
): Promise<{ changeSetId: string; stackId: string }> {
  return cf.createChangeSet({
    stackName,
    changeSetName,
    changeSetType: 'CREATE',
    templateBody: 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    parameters: [],
    tags: {},
    capabilities: [],
    clientToken,
  });
}

async function setup() {
  const project = await loadProject({ cwd: REPO_ROOT, command: 'deploy' });
  const world = simWorld(project);
  return { project, world, cf: world.sim.ports.cloudFormation };
}

describe('a REVIEW_IN_PROGRESS stack found before a deploy', () => {
  it("is refused, not deleted, when another tool's change set is on it: named, with the delete-stack command", async () => {
    const { world, cf } = await setup();
    const left = await leaveReviewStack(cf, 'other-tool-review', 'other-tool-token');

    const run = await simDeploy(world, { stacks: ['core-infra'] });

    expect(outcomes(run.result)).toEqual({ 'core-infra': 'failed' });
    const reason = doneOf(run.log, 'core-infra').event.reason ?? '';
    expect(reason).toContain(`stack ${NAME} is in REVIEW_IN_PROGRESS, made by another tool`);
    expect(reason).toContain('other-tool-review');
    expect(reason).toContain(`aws cloudformation delete-stack --stack-name ${NAME}`);
    expect(reason).not.toContain('earlier run');
    expect(run.result.exitCode).toBe(1);
    // Untouched: the stack and its change set are still there, nothing was made beside them.
    expect((await cf.describeStack(left.stackId))?.status).toBe('REVIEW_IN_PROGRESS');
    expect((await cf.listChangeSets(NAME)).map((c) => c.changeSetName)).toEqual(['other-tool-review']);
    const ops = world.sim.stats().callsByOperation;
    expect([ops.DeleteStack, ops.DeleteChangeSet, ops.CreateChangeSet]).toEqual([undefined, undefined, 1]);
  });

  it('is refused when a stackpilot change set shares the stack with a foreign one', async () => {
    const { world, cf } = await setup();
    await leaveReviewStack(cf, 'stackpilot-earlier', 'stackpilot-earlier-core-infra-create');
    await leaveReviewStack(cf, 'someone-else', 'other-token');
    const run = await simDeploy(world, { stacks: ['core-infra'] });
    expect(doneOf(run.log, 'core-infra').event.reason).toContain('someone-else is not stackpilot');
  });

  it("is deleted when its change sets are all stackpilot's, and the stack is created", async () => {
    const { world, cf } = await setup();
    const left = await leaveReviewStack(cf, 'stackpilot-aborted', 'stackpilot-aborted-core-infra-create');
    const run = await simDeploy(world, { stacks: ['core-infra'] });
    expect(outcomes(run.result)).toEqual({ 'core-infra': 'created' });
    expect(eventsOf(run.log, 'stack:warning').map((r) => r.event.message)).toEqual([
      expect.stringContaining('left in REVIEW_IN_PROGRESS by an earlier run'),
    ]);
    expect((await cf.describeStack(left.stackId))?.status).toBe('DELETE_COMPLETE');
  });

  it("with no change set left, is deleted when its creation event carries stackpilot's client token", async () => {
    const { world, cf } = await setup();
    const left = await leaveReviewStack(cf, 'stackpilot-aborted', 'stackpilot-aborted-core-infra-create');
    await cf.deleteChangeSet(left.changeSetId);
    expect(await cf.listChangeSets(NAME)).toEqual([]);
    const run = await simDeploy(world, { stacks: ['core-infra'] });
    expect(outcomes(run.result)).toEqual({ 'core-infra': 'created' });
  });

  it("with no change set left, is refused when its creation event carries another tool's token", async () => {
    const { world, cf } = await setup();
    const left = await leaveReviewStack(cf, 'review', 'other-tool-token');
    await cf.deleteChangeSet(left.changeSetId);
    const run = await simDeploy(world, { stacks: ['core-infra'] });
    expect(outcomes(run.result)).toEqual({ 'core-infra': 'failed' });
    expect(doneOf(run.log, 'core-infra').event.reason).toContain(
      'it has no change set left, and its creation event carries no stackpilot client token',
    );
    expect((await cf.describeStack(left.stackId))?.status).toBe('REVIEW_IN_PROGRESS');
  });

  it('falls back on the creation event when the role may not list change sets, and says so when that fails too', async () => {
    const { cf } = await setup();
    const denied: CloudFormationPort = {
      ...cf,
      listChangeSets: () => Promise.reject(new AwsError('ListChangeSets', 'AccessDenied', 'not authorized', 403)),
    };
    const ours = await leaveReviewStack(cf, 'stackpilot-aborted', 'stackpilot-aborted-core-infra-create');
    expect(await reviewStackOwner(denied, { stackId: ours.stackId, stackName: NAME })).toEqual({ ours: true });
    const theirs = await leaveReviewStack(cf, 'review', 'other-tool-token', 'someone-elses');
    expect(await reviewStackOwner(denied, { stackId: theirs.stackId, stackName: 'someone-elses' })).toEqual({
      ours: false,
      why: 'its change sets could not be listed (not authorized), and its creation event carries no stackpilot client token',
    });
  });
});
