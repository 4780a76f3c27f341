/** Classification of CloudFormation stack statuses (CLOUDFORMATION.md §1.1-§1.3). */

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** A first create that failed: the stack can only be deleted (§1.3). */
export function isFailedCreation(status: string): boolean {
  return status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED';
}

export function isSuccess(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';
}

/** Terminal statuses that mean the operation we started did not do what was asked. */
export function isFailure(status: string): boolean {
  return !isInProgress(status) && !isSuccess(status);
}

/** Where a stack can be updated through an UPDATE change set (§1.3). */
export function isUpdatable(status: string): boolean {
  return [
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'IMPORT_COMPLETE',
    'IMPORT_ROLLBACK_COMPLETE',
    // Paused after a failure with rollback disabled: a retry is an update.
    'CREATE_FAILED',
    'UPDATE_FAILED',
  ].includes(status);
}

/** Root-cause events are failures; "cancelled" ones are the cascade, not the cause (§3.2, §8). */
export function isRootCauseCandidate(status: string, reason: string | undefined): boolean {
  return status.endsWith('_FAILED') && !/cancell?ed/i.test(reason ?? '');
}

/** A stack whose outputs can be read: deployed, or being updated (the old outputs stand meanwhile). */
export function hasDeployedOutputs(status: string): boolean {
  return isUpdatable(status) || status.startsWith('UPDATE_');
}
