/**
 * `deploy --check-drift` on the simulator: before a stateful stack is updated, drift detection
 * runs; a drifted one is refused without a terminal (also with --yes), naming the drift; an
 * in-sync one deploys.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExample } from '../helpers/example-project.js';
import { runCli } from '../helpers/run-cli.js';

const DRIFT = {
  drift: {
    data: { Table: { properties: [{ path: '/BillingMode', expected: 'PAY_PER_REQUEST', actual: 'PROVISIONED' }] } },
    // app is not stateful: its drift is not checked by deploy.
    app: { Api: { status: 'DELETED' } },
  },
};

describe('stackpilot deploy --check-drift', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyExample();
    expect((await runCli(['deploy', '--simulate', '--ci'], { cwd: dir })).code).toBe(0);
    await writeFile(join(dir, 'drift.json'), JSON.stringify(DRIFT));
    await writeFile(join(dir, 'in-sync.json'), JSON.stringify({ drift: { app: DRIFT.drift.app } }));
    // Changes to data and app, so that both would be updated.
    for (const file of ['data.yaml', 'app.yaml']) {
      const path = join(dir, 'templates', file);
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace(/^Resources:\n/m, 'Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n'));
    }
  });

  it('blocks a drifted stateful stack in CI, even with --yes, naming the drift; its dependents are skipped', async () => {
    const r = await runCli(['deploy', '--simulate=drift.json', '--check-drift', '--ci', '--yes'], { cwd: dir });
    expect(r.code).toBe(1);
    const dataLines = r.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d {2}data /.test(l));
    expect(dataLines.join('\n')).toContain(
      '--check-drift: orders-dev-data drifted (1 resource): Table (AWS::DynamoDB::Table) MODIFIED; /BillingMode: template PAY_PER_REQUEST, actual PROVISIONED',
    );
    expect(dataLines.join('\n')).toContain(
      'a change set does not see drift, and there is no terminal to ask: bring the resources back to the template',
    );
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}app +skipped/m);
    expect(r.stdout).not.toMatch(/^\d\d:\d\d:\d\d {2}data +executing/m);
    // Nothing of data was changed: status still shows the local template as a difference.
    const status = await runCli(['status', '--simulate', '--ci'], { cwd: dir });
    expect(status.stdout).toMatch(/^data +orders-dev-data +CREATE_COMPLETE .* template +off +0$/m);
  });

  it('deploys a stateful stack that is in sync; a drifted stack that is not stateful is not checked', async () => {
    const r = await runCli(['deploy', '--simulate=in-sync.json', '--check-drift', '--ci', '--yes'], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}data +updated in /m);
    // app drifted too, but it is not stateful: deploy does not look.
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d {2}app +updated in /m);
    expect(r.stdout).not.toContain('--check-drift');
  });
});
