import type { ResourceChange } from '../../aws/ports.js';

/**
 * The properties (or attributes) whose change forces a resource's replacement, as the change set
 * names them: `KeySchema` for a table. Empty when none is named (a parameter behind it, say).
 */
export function replacementCauses(change: Pick<ResourceChange, 'details'>): string[] {
  return [
    ...new Set(
      change.details
        .filter((d) => d.requiresRecreation === 'Always' || d.requiresRecreation === 'Conditionally')
        .map((d) => d.name ?? d.attribute ?? ''),
    ),
  ].filter(Boolean);
}

/** Logical id → the properties forcing its replacement, for the changes that name any. */
export function replacementCausesByResource(
  changes: readonly Pick<ResourceChange, 'logicalId' | 'details' | 'replacement'>[],
  idOf: (logicalId: string) => string = (id) => id,
): Map<string, string[]> {
  const causes = new Map<string, string[]>();
  for (const change of changes) {
    if (change.replacement !== 'True' && change.replacement !== 'Conditional') continue;
    const named = replacementCauses(change);
    if (named.length > 0) causes.set(idOf(change.logicalId), named);
  }
  return causes;
}

/** `because KeySchema changes` / `because KeySchema, AttributeDefinitions change`. */
export function becauseText(causes: readonly string[]): string {
  return `because ${causes.join(', ')} ${causes.length === 1 ? 'changes' : 'change'}`;
}
