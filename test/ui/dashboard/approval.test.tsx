import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalAnswer } from '../../../src/engine/guards/approvals.js';
import { App } from '../../../src/ui/dashboard/app.js';
import { createApprovalPrompt } from '../../../src/ui/dashboard/approval-prompt.js';
import { createLiveStore } from '../../../src/ui/dashboard/live-store.js';
import {
  APP_APPROVAL,
  BACKUP_APPROVAL,
  BACKUP_ASKS,
  DATA_FINISHES,
  DURATIONS,
  at,
  initial,
  lines,
  play,
  screen,
} from './recorded.js';
import type { Timed } from './recorded.js';

afterEach(cleanup);

/** The App on the example system at 1m40s, backup's change set ready and needing a yes. */
function mount() {
  let clock = at(100);
  const store = createLiveStore(play(BACKUP_ASKS, initial(DURATIONS)), { now: () => clock, columns: 80, rows: 24 });
  const prompt = createApprovalPrompt(store);
  const onInterrupt = vi.fn();
  const r = render(<App store={store} onKey={(key) => void prompt.press(key)} onInterrupt={onInterrupt} />);
  return {
    store,
    prompt,
    onInterrupt,
    stdin: r.stdin,
    /** Engine events, each at its time, then one redraw. */
    replay: (events: readonly Timed[]): void => {
      for (const [seconds, event] of events) {
        clock = at(seconds);
        store.dispatch(event);
      }
      store.publish();
    },
    expectFrame: (expected: string) => vi.waitFor(() => expect(screen(r.lastFrame())).toBe(expected)),
    /** Waits for a frame with `text`: drawn, and the keys listened to. */
    shows: (text: string) => vi.waitFor(() => expect(screen(r.lastFrame())).toContain(text)),
  };
}

const settled = async (answer: Promise<ApprovalAnswer>): Promise<ApprovalAnswer | 'pending'> =>
  Promise.race([answer, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 20))]);

const HEAD = [
  'deploy orders · stage dev · us-east-1 · concurrency 8                      1m40s',
  '',
  '✓ core-infra  created in 1m05s',
  '⠋ data        executing 2/3         ███████░░░    41s  TableNameParam CREATE_IN…',
  '· app         waiting for data',
];

const BACKUP_PANEL = [
  '│ 1 resource is removed or replaced: BackupVault; IAM or security-group        │',
  '│ changes: BackupRole                                                          │',
  '│ ! Modify  BackupVault  AWS::Backup::BackupVault  replace                     │',
  '│ ! Modify  BackupRole   AWS::IAM::Role                                        │',
  '│   Modify  BackupPlan   AWS::Backup::BackupPlan                               │',
  '│ y approve · n reject · a approve this and all remaining                      │',
  '╰──────────────────────────────────────────────────────────────────────────────╯',
];

describe('approval prompt in the dashboard', () => {
  it('shows the change set with the flagged changes first, the reason and the keys', async () => {
    const { prompt, expectFrame } = mount();
    void prompt.approver(BACKUP_APPROVAL);
    await expectFrame(
      lines(
        ...HEAD,
        '? backup      awaiting approval                    0s',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ approve backup (orders-dev-backup)?                                          │',
        ...BACKUP_PANEL,
        '1 running · 1 awaiting approval · 1 waiting · 1 created         about 1m30s left',
      ),
    );
  });

  it('keeps the dashboard going while it waits, and queues the next request', async () => {
    const { prompt, replay, expectFrame } = mount();
    void prompt.approver(BACKUP_APPROVAL);
    replay(DATA_FINISHES);
    void prompt.approver(APP_APPROVAL);
    await expectFrame(
      lines(
        'deploy orders · stage dev · us-east-1 · concurrency 8                      1m45s',
        '',
        '✓ core-infra  created in 1m05s',
        '✓ data        created in 43s',
        '? app         awaiting approval                    0s',
        '? backup      awaiting approval                    5s',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ approve backup (orders-dev-backup)?  1 more waiting                          │',
        ...BACKUP_PANEL,
        '2 awaiting approval · 2 created                                 about 1m20s left',
      ),
    );
  });

  it('answers the shown request with y, then the next one with n', async () => {
    const { prompt, replay, stdin, expectFrame, shows } = mount();
    const backup = prompt.approver(BACKUP_APPROVAL);
    replay(DATA_FINISHES);
    const app = prompt.approver(APP_APPROVAL);
    await shows('1 more waiting');

    stdin.write('y');
    expect(await backup).toEqual({ approved: true });
    expect(await settled(app)).toBe('pending');
    await expectFrame(
      lines(
        'deploy orders · stage dev · us-east-1 · concurrency 8                      1m45s',
        '',
        '✓ core-infra  created in 1m05s',
        '✓ data        created in 43s',
        '? app         awaiting approval                    0s',
        '⠋ backup      change set ready                  1m40s',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ approve app (orders-dev-app)?                                                │',
        '│ 1 resource is removed or replaced: LegacyFunction                            │',
        '│ ! Remove  LegacyFunction       AWS::Lambda::Function                         │',
        '│   Modify  CreateOrderFunction  AWS::Lambda::Function                         │',
        '│ y approve · n reject · a approve this and all remaining                      │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '1 running · 1 awaiting approval · 2 created                     about 1m20s left',
      ),
    );

    stdin.write('n');
    expect(await app).toEqual({ approved: false, reason: 'rejected at the prompt' });
    // What the engine does with the refusal.
    replay([
      [105, { type: 'stack:blocked', stack: 'app', stackName: 'orders-dev-app', reason: 'rejected at the prompt' }],
    ]);
    await expectFrame(
      lines(
        'deploy orders · stage dev · us-east-1 · concurrency 8                      1m45s',
        '',
        '✓ core-infra  created in 1m05s',
        '✓ data        created in 43s',
        '! app         blocked: rejected at the prompt',
        '⠋ backup      change set ready                  1m40s',
        '',
        '1 running · 2 created · 1 blocked                                 about 30s left',
      ),
    );
  });

  it('approves the shown request, the queued ones and all later ones with a', async () => {
    const { prompt, replay, stdin, expectFrame, shows } = mount();
    const backup = prompt.approver(BACKUP_APPROVAL);
    replay(DATA_FINISHES);
    const app = prompt.approver(APP_APPROVAL);
    await shows('1 more waiting');

    stdin.write('a');
    expect(await Promise.all([backup, app])).toEqual([{ approved: true }, { approved: true }]);
    expect(await prompt.approver({ ...APP_APPROVAL, stack: 'later', stackName: 'orders-dev-later' })).toEqual({
      approved: true,
    });
    await expectFrame(
      lines(
        'deploy orders · stage dev · us-east-1 · concurrency 8                      1m45s',
        '',
        '✓ core-infra  created in 1m05s',
        '✓ data        created in 43s',
        '⠋ app         change set ready                     3s',
        '⠋ backup      change set ready                  1m40s',
        '',
        '2 running · 2 created · approving all remaining                 about 1m20s left',
      ),
    );
  });

  it('ignores other keys, and passes Ctrl-C on without answering', async () => {
    const { prompt, stdin, onInterrupt, shows } = mount();
    const backup = prompt.approver(BACKUP_APPROVAL);
    await shows('approve backup');
    expect(prompt.press('x')).toBe(false);
    stdin.write('q');
    stdin.write('\r');
    stdin.write('\x03');
    await vi.waitFor(() => expect(onInterrupt).toHaveBeenCalledOnce());
    expect(await settled(backup)).toBe('pending');
  });

  it('refuses what waits, and all later requests, once cancelled', async () => {
    const { prompt } = mount();
    const backup = prompt.approver(BACKUP_APPROVAL);
    prompt.cancel('interrupted');
    expect(await backup).toEqual({ approved: false, reason: 'interrupted' });
    expect(await prompt.approver(APP_APPROVAL)).toEqual({ approved: false, reason: 'interrupted' });
  });

  it('names the property forcing a replacement, and offers no "all remaining" for the only question', async () => {
    const { prompt, stdin, expectFrame, shows } = mount();
    const plan = prompt.approver({
      ...BACKUP_APPROVAL,
      replacedBecause: new Map([['BackupVault', ['BackupVaultName']]]),
      onlyQuestion: true,
    });
    await shows('approve backup');
    await expectFrame(
      lines(
        ...HEAD,
        '? backup      awaiting approval                    0s',
        '',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ approve backup (orders-dev-backup)?                                          │',
        '│ 1 resource is removed or replaced: BackupVault; IAM or security-group        │',
        '│ changes: BackupRole                                                          │',
        '│ ! Modify  BackupVault  AWS::Backup::BackupVault  replace: BackupVaultName    │',
        '│ ! Modify  BackupRole   AWS::IAM::Role                                        │',
        '│   Modify  BackupPlan   AWS::Backup::BackupPlan                               │',
        '│ y approve · n reject                                                         │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '1 running · 1 awaiting approval · 1 waiting · 1 created         about 1m30s left',
      ),
    );
    expect(prompt.press('a')).toBe(false);
    expect(await settled(plan)).toBe('pending');
    stdin.write('y');
    expect(await plan).toEqual({ approved: true });
  });
});
