import type { Colors } from '../colors.js';
import { createEventFormatter } from '../plain-renderer.js';
import type { Renderer } from '../renderer.js';

export interface CiRendererOptions {
  write: (text: string) => void;
  /** From `colorsFor(stream)`: none in a pipe, none with NO_COLOR, some with FORCE_COLOR. */
  colors: Colors;
  /**
   * Milliseconds since the epoch for each line's timestamp: the run's clock (`clock.now`), so a
   * simulated run shows its virtual time. Required: the wall clock would be wrong there.
   */
  now: () => number;
  /** `--debug`: API retries get a line too. */
  debug?: boolean;
  /** A line printed under the run's first line (RunHeader.nodeNotice). */
  notice?: string;
  /** RunHeader.account and stageNotInConfig, for the run's first line. */
  account?: string;
  stageNotInConfig?: boolean;
}

/**
 * CI mode (`--ci`, `CI` set, or no TTY): one line per event, `HH:MM:SS  <stack>  <text>`, written
 * the moment the event arrives; no cursor movement, nothing to redraw, nothing held back.
 */
export function createCiRenderer(options: CiRendererOptions): Renderer {
  const format = createEventFormatter(options.colors, () => new Date(options.now()), {
    debug: options.debug === true,
    ...(options.notice === undefined ? {} : { notice: options.notice }),
    ...(options.account === undefined ? {} : { account: options.account }),
    ...(options.stageNotInConfig === undefined ? {} : { stageNotInConfig: options.stageNotInConfig }),
  });
  return {
    emit: (event) => {
      const text = format(event);
      if (text !== '') options.write(text);
    },
    close: () => Promise.resolve(),
  };
}
