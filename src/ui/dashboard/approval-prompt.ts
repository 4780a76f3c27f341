import type { ApprovalAnswer, ApprovalRequest, Approver } from '../../engine/guards/approvals.js';
import type { LiveStore } from './live-store.js';

export const REJECTED_AT_PROMPT = 'rejected at the prompt';

/**
 * The dashboard's side of approvals, outside React: requests queue in the store (one shown at a
 * time) while the engine goes on with other stacks; keys from the terminal answer the first.
 */
export interface ApprovalPrompt {
  approver: Approver;
  /** A key pressed in the terminal: `y`, `n` or `a`. True when it answered a request. */
  press: (key: string) => boolean;
  /** Refuses every waiting request, and every later one, with `reason` (Ctrl-C, close). */
  cancel: (reason: string) => void;
}

export function createApprovalPrompt(store: LiveStore): ApprovalPrompt {
  const waiting = new Map<ApprovalRequest, (answer: ApprovalAnswer) => void>();
  let cancelled: string | undefined;

  const answerAll = (answer: ApprovalAnswer): void => {
    for (const resolve of waiting.values()) resolve(answer);
    waiting.clear();
  };

  return {
    approver: (request) => {
      if (cancelled !== undefined) return Promise.resolve({ approved: false, reason: cancelled });
      if (store.getState().approveAll) return Promise.resolve({ approved: true });
      return new Promise<ApprovalAnswer>((resolve) => {
        waiting.set(request, resolve);
        store.dispatch({ type: 'approval:requested', request });
        store.publish();
      });
    },
    press: (key) => {
      const shown = store.getState().approvals[0];
      const resolve = shown && waiting.get(shown);
      if (!shown || !resolve) return false;
      switch (key.toLowerCase()) {
        case 'y':
          waiting.delete(shown);
          store.dispatch({ type: 'approval:answered', stack: shown.stack, approved: true });
          resolve({ approved: true });
          break;
        case 'n':
          waiting.delete(shown);
          store.dispatch({ type: 'approval:answered', stack: shown.stack, approved: false });
          resolve({ approved: false, reason: REJECTED_AT_PROMPT });
          break;
        case 'a':
          if (shown.onlyQuestion === true) return false;
          store.dispatch({ type: 'approval:approved-all' });
          answerAll({ approved: true });
          break;
        default:
          return false;
      }
      store.publish();
      return true;
    },
    cancel: (reason) => {
      cancelled = reason;
      if (waiting.size === 0) return;
      store.dispatch({ type: 'approval:cancelled' });
      answerAll({ approved: false, reason });
      store.publish();
    },
  };
}
