import { StackpilotError } from '../errors.js';
import type { StackpilotErrorOptions } from '../errors.js';

/** A stack could not be deployed for a reason the user can act on; the message says how. */
export class DeployError extends StackpilotError {
  readonly code: string;
  readonly source = 'user';

  constructor(code: string, message: string, options: StackpilotErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

/** The run was interrupted (Ctrl-C) before this stack could finish. */
export class AbortError extends StackpilotError {
  readonly code = 'ABORTED';
  readonly source = 'user';
}
