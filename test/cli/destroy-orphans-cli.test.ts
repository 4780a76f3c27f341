/**
 * `stackpilot destroy --orphans` on the simulator, through the built CLI (issue 13 item 2,
 * "Orphans"): stacks tagged with this project and stage that the config no longer has are deleted
 * through the same table, confirmation and per-stack delete as `destroy`; one holding a stateful
 * resource type is refused unless named with --allow-stateful; stage dev-alice's stacks (same
 * name prefix) are never touched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

async function liveStacks(dir: string): Promise<string[]> {
  const state = JSON.parse(await readFile(join(dir, '.stackpilot', 'simulator-state.json'), 'utf8')) as {
    stacks: { stackName: string; status: string }[];
  };
  return state.stacks
    .filter((s) => s.status !== 'DELETE_COMPLETE')
    .map((s) => s.stackName)
    .sort();
}

describe('stackpilot destroy --orphans --simulate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
    const config = join(dir, 'stacks.config.ts');
    const original = await readFile(config, 'utf8');
    // A stack with nothing stateful in it, to be orphaned beside backup (whose vault is stateful).
    await writeFile(join(dir, 'templates', 'extra.yaml'), 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    await writeFile(
      config,
      original.replace('    backup: {', "    extra: { template: 'templates/extra.yaml' },\n    backup: {"),
    );
    for (const stage of ['dev', 'dev-alice']) {
      const r = await runCli(['deploy', '--simulate', '--ci', '--stage', stage], { cwd: dir });
      if (r.code !== 0) throw new Error(`deploy ${stage} failed: ${r.stdout}${r.stderr}`);
    }
    const without = original.replace(/\n {4}backup: \{[^}]*\{[^}]*\},\n {4}\},/, '');
    if (without.includes('backup:')) throw new Error('backup was not removed from the config');
    await writeFile(config, without);
  });

  it('with stack names: a usage error (exit 2), nothing deleted', async () => {
    const before = await liveStacks(dir);
    const r = await runCli(['destroy', '--orphans', 'app', '--simulate', '--yes'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--orphans removes the stacks no longer in the config; it cannot be combined with stack names (app)',
    );
    expect(await liveStacks(dir)).toEqual(before);
  });

  it('--dry-run prints the table (the stateful orphan refused) and deletes nothing', async () => {
    const before = await liveStacks(dir);
    const r = await runCli(['destroy', '--orphans', '--simulate', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}orders-dev-backup +orders-dev-backup +refused /m);
    expect(r.stdout).toMatch(/^ {2}orders-dev-extra +orders-dev-extra +delete +1 deleted$/m);
    expect(r.stdout).toContain(
      'orders-dev-backup holds BackupVault (AWS::Backup::BackupVault), whose data would go with it: allow it with --allow-stateful orders-dev-backup',
    );
    expect(r.stdout).not.toContain('orders-dev-app');
    expect(r.stdout).toContain('dry run: nothing was deleted');
    expect(await liveStacks(dir)).toEqual(before);
  });

  it('--yes deletes the orphan only; the stateful one is refused, then deleted with --allow-stateful', async () => {
    const before = await liveStacks(dir);
    expect(before).toContain('orders-dev-alice-extra');
    const r = await runCli(['destroy', '--orphans', '--simulate', '--yes', '--ci'], { cwd: dir });
    // A refused stack is a stack that did not go: exit 1.
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/orders-dev-extra +deleted in /);
    expect(r.stdout).toMatch(/orders-dev-backup +blocked in /);
    expect(await liveStacks(dir)).toEqual(before.filter((name) => name !== 'orders-dev-extra'));

    const unknown = await runCli(['destroy', '--orphans', '--simulate', '--yes', '--allow-stateful', 'backup'], {
      cwd: dir,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--allow-stateful backup: no orphaned stack "backup" in this stage');

    const allowed = await runCli(
      ['destroy', '--orphans', '--simulate', '--yes', '--ci', '--allow-stateful', 'orders-dev-backup'],
      { cwd: dir },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/orders-dev-backup +deleted in /);
    expect(allowed.stdout).toContain('orders-dev-backup.BackupVault  AWS::Backup::BackupVault  orders-dev-vault');
    const after = await liveStacks(dir);
    expect(after).toEqual(before.filter((name) => name !== 'orders-dev-extra' && name !== 'orders-dev-backup'));
    // dev-alice's stacks, and dev's configured ones, are all still there.
    expect(after.filter((name) => name.startsWith('orders-dev-alice-'))).toHaveLength(5);
    expect(after).toEqual(expect.arrayContaining(['orders-dev-core-infra', 'orders-dev-data', 'orders-dev-app']));

    const again = await runCli(['destroy', '--orphans', '--simulate', '--yes'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no orphaned stacks');
  });
});
