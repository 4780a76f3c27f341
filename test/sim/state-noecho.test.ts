/**
 * NoEcho parameter values never reach a saved simulated account in plain text (issue 11, item 9):
 * they are saved as salted hashes, and a reloaded account still tells an unchanged secret from a
 * changed one. Files written before this, with plain values, still load.
 */
import { describe, expect, it } from 'vitest';
import { NO_CHANGES_REASON, stateTime } from '../../src/sim/index.js';
import { deploy, execute, readyChangeSet, setup, template } from './support.js';
import type { Sim } from './support.js';

const SECRET = 'hunter2-correct-horse';
const DB = template(
  {
    Db: 'AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: !Ref Password\n      MasterUsername: !Ref User',
  },
  'Parameters:\n  Password:\n    Type: String\n    NoEcho: true\n  User:\n    Type: String\n',
);

/** Saves the account as the CLI does: through JSON text. */
function saved(s: Sim): { text: string; state: unknown } {
  const text = JSON.stringify(s.sim.exportState());
  return { text, state: JSON.parse(text) as unknown };
}

async function changeSet(s: Sim, password: string, name: string) {
  const ref = await s.cf.createChangeSet({
    stackName: 'db',
    changeSetName: name,
    changeSetType: 'UPDATE',
    templateBody: DB,
    parameters: [
      { key: 'Password', value: password },
      { key: 'User', value: 'admin' },
    ],
    tags: {},
    capabilities: [],
    clientToken: name,
  });
  return readyChangeSet(s, ref.changeSetId);
}

describe('NoEcho values in saved state', () => {
  const parameters = [
    { key: 'Password', value: SECRET },
    { key: 'User', value: 'admin' },
  ];

  it('are saved hashed, and compare equal to the same value after a reload', async () => {
    const first = setup();
    await deploy(first, 'db', DB, { parameters });
    // An operation in flight and a change set not executed are saved too.
    await execute(first, 'db', DB, { parameters: [{ key: 'Password', value: `${SECRET}-next` }, parameters[1]!] });
    const { text, state } = saved(first);
    expect(text).not.toContain(SECRET);
    // The plain parameter is kept as it is.
    expect(text).toContain('"admin"');

    const second = setup({ state, start: stateTime(state as { time: number }) });
    await second.wait(10 * 60_000);
    // The update above set the secret to `-next`; deploying that again is no change ...
    const same = await changeSet(second, `${SECRET}-next`, 'same');
    expect([same.status, same.statusReason]).toEqual(['FAILED', NO_CHANGES_REASON]);
    // ... a different one is, on the resource that refers to it.
    const other = await changeSet(second, 'another-secret', 'other');
    expect(other.status).toBe('CREATE_COMPLETE');
    expect(other.changes.map((c) => [c.logicalId, c.action])).toEqual([['Db', 'Modify']]);
    // DescribeStacks masks it as the service does.
    expect((await second.cf.describeStack('db'))?.parameters.find((p) => p.key === 'Password')?.value).toBe('****');
  });

  it('loads an older state file with the value in plain text, and hashes it at the next save', async () => {
    const first = setup();
    await deploy(first, 'db', DB, { parameters });
    // What a save wrote before hashing: the same state with the plain value put back.
    const { text } = saved(first);
    const plain = text.replace(/"\\u0000noecho-sha256:[0-9a-f]+:[0-9a-f]+"/g, JSON.stringify(SECRET));
    expect(plain).toContain(SECRET);
    const state = JSON.parse(plain) as unknown;

    const second = setup({ state, start: stateTime(state as { time: number }) });
    const same = await changeSet(second, SECRET, 'same');
    expect([same.status, same.statusReason]).toEqual(['FAILED', NO_CHANGES_REASON]);
    expect(saved(second).text).not.toContain(SECRET);
  });
});
