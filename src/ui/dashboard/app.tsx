import { useInput, useStdin } from 'ink';
import { useSyncExternalStore } from 'react';
import { Dashboard } from './dashboard.js';
import type { LiveStore } from './live-store.js';

export interface AppProps {
  store: LiveStore;
  /** A key pressed (`y`, `n`, `a`, …); the renderer decides what it means. */
  onKey: (key: string) => void;
  /** Ctrl-C: in raw mode the terminal sends it as input instead of a signal. */
  onInterrupt: () => void;
  /** @default true */
  color?: boolean;
}

/** Draws the store's snapshot and passes keys on; it does nothing else. */
export function App({ store, onKey, onInterrupt, color = true }: AppProps) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') onInterrupt();
      else if (input.length === 1) onKey(input);
    },
    { isActive: isRawModeSupported === true },
  );
  return <Dashboard snapshot={snapshot} color={color} />;
}
