/**
 * `stackpilot plan` over the wire against moto: the example system planned from nothing and
 * after a deploy leaves the account exactly as it found it; --detailed-exitcode says 0 or 2.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { motoEnv, useMoto } from '../harness/aws-env.js';
import { copyExample, createS3Bucket } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const { endpoint } = useMoto();

/** Stacks (name and status) and change sets moto holds, over the wire. */
async function account(): Promise<{ stacks: string[]; changeSets: number }> {
  const call = async (params: Record<string, string>): Promise<string> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({ Version: '2010-05-15', ...params }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${params.Action}: HTTP ${response.status} ${text}`);
    return text;
  };
  const listed = await call({ Action: 'ListStacks' });
  const stacks = listed
    .split('<member>')
    .slice(1)
    .map((m) => `${/<StackName>([^<]+)/.exec(m)?.[1] ?? ''} ${/<StackStatus>([^<]+)/.exec(m)?.[1] ?? ''}`)
    .filter((s) => !s.endsWith('DELETE_COMPLETE'))
    .sort();
  let changeSets = 0;
  for (const name of ['core-infra', 'data', 'app', 'backup']) {
    const xml = await call({ Action: 'ListChangeSets', StackName: `orders-dev-${name}` }).catch(() => '');
    // Only change sets this tool made and did not execute count (moto also lists deleted stacks' ones).
    changeSets += xml
      .split('<member>')
      .slice(1)
      .filter((m) => /<ChangeSetName>stackpilot-/.test(m) && !m.includes('EXECUTE_COMPLETE')).length;
  }
  return { stacks, changeSets };
}

describe('stackpilot plan against moto', () => {
  it('plans the example from nothing and after a deploy, leaving the account as it was', async () => {
    const dir = await copyExample();
    await createS3Bucket(endpoint, 'orders-dev-artifacts');
    // Not the GitHub Actions renderer even when the tests run under GitHub Actions: stderr stays empty.
    const env = { ...motoEnv(endpoint), GITHUB_ACTIONS: '' };

    const empty = await account();
    const first = await runCli(['plan', '--endpoint-url', endpoint, '--detailed-exitcode'], { cwd: dir, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('core-infra (orders-dev-core-infra): create, 11 to add');
    expect(first.stdout).toContain('app (orders-dev-app): will be created after data');
    expect(first.stdout).toContain('nothing was changed');
    expect(await account()).toEqual(empty);

    expect((await runCli(['deploy', '--endpoint-url', endpoint, '--yes', '--ci'], { cwd: dir, env })).code).toBe(0);
    const deployed = await account();
    // The four stacks and app's nested alarms stack (moto names it orders-dev-app-Alarms-<random>).
    expect(deployed.stacks).toHaveLength(5);

    const unchanged = await runCli(['plan', '--endpoint-url', endpoint, '--detailed-exitcode'], { cwd: dir, env });
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toContain('plan: 0 with changes, 4 unchanged');
    expect(await account()).toEqual(deployed);

    const backup = join(dir, 'templates', 'backup.yaml');
    await writeFile(backup, (await readFile(backup, 'utf8')).replace('DeleteAfterDays: 35', 'DeleteAfterDays: 42'));
    const edited = await runCli(['plan', '--endpoint-url', endpoint, '--detailed-exitcode', '--output', 'json'], {
      cwd: dir,
      env,
    });
    expect(edited.code).toBe(2);
    // NDJSON: the engine's events, one per line; each stack's plan is a stack:planned event.
    const events = edited.stdout
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            stack?: string;
            status?: string;
            changes?: { logicalId: string }[];
            detailedExitCode?: number;
          },
      );
    const planned = events.filter((e) => e.type === 'stack:planned');
    expect(Object.fromEntries(planned.map((s) => [s.stack, s.status]))).toEqual({
      'core-infra': 'unchanged',
      data: 'unchanged',
      app: 'unchanged',
      backup: 'changes',
    });
    expect(planned.find((s) => s.stack === 'backup')?.changes?.length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: 'plan:done', detailedExitCode: 2 });
    expect(await account()).toEqual(deployed);
  });
});
