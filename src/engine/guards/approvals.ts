import type { ResourceChangeSummary } from '../events.js';
import { becauseText } from './replacement-causes.js';

/** When a person must say yes before a change set is executed (`--require-approval`). */
export type ApprovalLevel = 'never' | 'destructive' | 'any-change';
export const APPROVAL_LEVELS: readonly ApprovalLevel[] = ['never', 'destructive', 'any-change'];

export interface ApprovalRequest {
  stack: string;
  stackName: string;
  /** Why approval is needed, one line. */
  reason: string;
  /** The changes that made approval necessary. */
  flagged: ResourceChangeSummary[];
  /** The whole change set, to show beside them. */
  changes: ResourceChangeSummary[];
  /**
   * `drift` (deploy --check-drift): a stateful stack drifted, which no change set shows; `--yes`
   * does not answer it, only a person at the prompt. @default 'changes'
   */
  kind?: 'changes' | 'drift';
  /**
   * Logical id (as in `changes`) → the properties the change set says force its replacement
   * (`KeySchema`), shown beside the change: "replace" alone does not say what to undo.
   */
  replacedBecause?: ReadonlyMap<string, readonly string[]>;
  /** The run asks nothing after this (`--plan-first` with every stack in the plan): no "all remaining". */
  onlyQuestion?: boolean;
}

export interface ApprovalAnswer {
  approved: boolean;
  /** Why not, when refused: becomes the `blocked` reason. */
  reason?: string;
}

/**
 * The host answers approvals; the engine goes on deploying other stacks meanwhile. A
 * non-interactive host answers at once (never waits on stdin).
 */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalAnswer>;

/** Resource types whose changes alter who may do what: always worth a look. */
const SECURITY_TYPES = /^AWS::IAM::|^AWS::EC2::SecurityGroup|^AWS::KMS::Key$|^AWS::Lambda::Permission$|Policy$/;

/**
 * Removal or replacement of a resource loses it. `replacement` is the guard's combined verdict
 * (replacement-opinions.ts): a Modify no property explains is `Conditional` and counts here.
 */
export function destructiveChanges(changes: readonly ResourceChangeSummary[]): ResourceChangeSummary[] {
  return changes.filter((c) => c.action === 'Remove' || c.replacement === 'True' || c.replacement === 'Conditional');
}

/**
 * The changes that need a yes under `level`, and why; undefined when none does. `destructive`
 * flags what loses a resource, and security changes to what already runs: IAM and
 * security-group resources modified or removed, or added to an existing stack (a broadening).
 * A brand-new stack's own roles are part of creating it and are not flagged.
 */
export function approvalNeeded(
  level: ApprovalLevel,
  changes: readonly ResourceChangeSummary[],
  changeSetType: 'CREATE' | 'UPDATE' = 'UPDATE',
  replacedBecause: ReadonlyMap<string, readonly string[]> = new Map(),
): { flagged: ResourceChangeSummary[]; reason: string } | undefined {
  if (level === 'never') return undefined;
  if (level === 'any-change') {
    return {
      flagged: [...changes],
      reason:
        changes.length === 0
          ? 'the change set edits outputs, tags or parameters'
          : `${changes.length} ${changes.length === 1 ? 'resource changes' : 'resources change'}`,
    };
  }
  const lost = destructiveChanges(changes);
  const security = changes.filter(
    (c) =>
      !lost.includes(c) && SECURITY_TYPES.test(c.resourceType) && (changeSetType === 'UPDATE' || c.action !== 'Add'),
  );
  const flagged = [...lost, ...security];
  if (flagged.length === 0) return undefined;
  const parts: string[] = [];
  if (lost.length > 0)
    parts.push(
      `${lost.length} ${lost.length === 1 ? 'resource is' : 'resources are'} removed or replaced: ` +
        lost.map((c) => lostName(c, replacedBecause.get(c.logicalId))).join(', '),
    );
  if (security.length > 0) parts.push(`IAM or security-group changes: ${security.map((c) => c.logicalId).join(', ')}`);
  return { flagged, reason: parts.join('; ') };
}

function lostName(c: ResourceChangeSummary, causes: readonly string[] | undefined): string {
  const because = c.action !== 'Remove' && causes?.length ? becauseText(causes) : undefined;
  if (c.action !== 'Remove' && c.replacement === 'Conditional')
    return `${c.logicalId} (may be replaced${because ? ` ${because}` : ''})`;
  return because ? `${c.logicalId} (replaced ${because})` : c.logicalId;
}
