/**
 * `deploy --plan-first` and `deploy --dry-run` through the built CLI on the simulator: without a
 * terminal the plan needs --yes and nothing executes; with it, the plan is executed.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

describe('stackpilot deploy --plan-first --simulate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await copyExample();
  });

  it('refuses without a terminal and without --yes, naming --yes; nothing is deployed', async () => {
    const refused = await runCli(['deploy', '--plan-first', '--simulate', '--ci'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('data        blocked in');
    expect(refused.stdout).toMatch(
      /the plan was not approved: 18 to add, 0 to modify, 0 to remove; .* \(--plan-first asks once for the whole plan\) and there is no terminal to ask: pass --yes/,
    );
    expect(refused.stdout).not.toMatch(/executing/);
    // Nothing was left: a plan of the same account still creates all four stacks.
    const plan = await runCli(['plan', '--simulate'], { cwd: dir });
    expect(plan.stdout).toContain('plan: 3 with changes, 0 unchanged, 1 waiting for upstream stacks');
  });

  it('executes the approved plan with --yes, then finds everything unchanged', async () => {
    const first = await runCli(['deploy', '--plan-first', '--yes', '--simulate', '--ci'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout.match(/created/g)?.length).toBeGreaterThanOrEqual(4);
    const again = await runCli(['deploy', '--plan-first', '--simulate', '--ci'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/4 unchanged/);
  });

  it('deploy --dry-run is plan: changes nothing and says so; --detailed-exitcode gives 2 for changes', async () => {
    const dry = await runCli(['deploy', '--dry-run', '--detailed-exitcode', '--simulate'], { cwd: dir });
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('nothing was changed');
    const bad = await runCli(['deploy', '--dry-run', '--plan-first', '--simulate'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--dry-run and --plan-first do not go together');
  });
});
