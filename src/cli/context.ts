import type { Colors } from '../ui/colors.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  colors: { stdout: Colors; stderr: Colors };
  /** Registers a Ctrl-C handler; returns its removal. */
  onInterrupt: (handler: () => void) => () => void;
  /** Ends the process now (third Ctrl-C). */
  exit: (code: number) => never;
}

/** Options every command accepts. */
export interface GlobalOptions {
  config?: string;
  stage?: string;
  region?: string;
  debug?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
