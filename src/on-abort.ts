/**
 * One real 'abort' listener per signal, however many waiters share it. A run's stop and cancel
 * signals live for the whole run while every executing stack, poller sleep and rate-limiter wait
 * hangs a handler on them: with more than ten at once, Node prints a MaxListenersExceededWarning
 * into the user's output, and raising the limit would also hide a real leak.
 */
interface Fanout {
  handlers: Set<() => void>;
  dispatch: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `handler` once when `signal` aborts, like `addEventListener('abort', handler, { once: true })`;
 * returns its removal, which the caller makes once the wait is over. As with addEventListener, a
 * signal that has already aborted never calls it: callers check `signal.aborted` first.
 */
export function onAbort(signal: AbortSignal, handler: () => void): () => void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    const handlers = new Set<() => void>();
    const dispatch = (): void => {
      fanouts.delete(signal);
      for (const h of [...handlers]) {
        // A throwing handler must not keep the others from running; report it as a listener's would be.
        try {
          h();
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      handlers.clear();
    };
    fanout = { handlers, dispatch };
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  const own = fanout;
  // A wrapper, so the same function registered twice is two registrations, each removed by its own call.
  const entry = (): void => handler();
  own.handlers.add(entry);
  return () => {
    if (!own.handlers.delete(entry) || own.handlers.size > 0) return;
    signal.removeEventListener('abort', own.dispatch);
    if (fanouts.get(signal) === own) fanouts.delete(signal);
  };
}
