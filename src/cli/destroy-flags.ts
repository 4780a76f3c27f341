import { UsageError } from '../errors.js';
import type { Project } from '../graph/load-project.js';

/** `--allow-stateful <id>`: checked against the project, so a typo cannot silently allow nothing. */
export function parseAllowStateful(
  values: readonly string[] | undefined,
  project: Project,
  /** With `--orphans` the project's stacks are the orphans, named by their CloudFormation names. */
  orphans = false,
): ReadonlySet<string> {
  const ids = project.config.stacks.map((s) => s.id);
  for (const value of values ?? []) {
    if (!ids.includes(value))
      throw new UsageError(
        `--allow-stateful ${value}: no ${orphans ? 'orphaned stack' : 'stack'} "${value}" in this ${orphans ? 'stage' : 'project'}`,
        {
          hint: ids.length > 0 ? `${orphans ? 'orphans' : 'stacks'} are: ${ids.join(', ')}` : undefined,
        },
      );
  }
  return new Set(values ?? []);
}

/**
 * `--retain <LogicalId>` (for every stack destroyed) or `--retain <stack>.<LogicalId>`: resources to
 * leave in place when a delete fails on them (RetainResources), per stack id.
 */
export function parseRetain(
  values: readonly string[] | undefined,
  project: Project,
  selected: readonly string[],
): ReadonlyMap<string, ReadonlySet<string>> {
  const ids = project.config.stacks.map((s) => s.id);
  const byStack = new Map<string, Set<string>>(selected.map((id) => [id, new Set<string>()]));
  for (const value of values ?? []) {
    const dot = value.indexOf('.');
    const stack = dot > 0 && ids.includes(value.slice(0, dot)) ? value.slice(0, dot) : undefined;
    const logicalId = stack === undefined ? value : value.slice(dot + 1);
    if (!/^[A-Za-z0-9]+$/.test(logicalId))
      throw new UsageError(`--retain ${value}: expected a logical id (e.g. Bucket) or <stack>.<LogicalId>`);
    if (stack !== undefined && !selected.includes(stack))
      throw new UsageError(`--retain ${value}: stack ${stack} is not being destroyed`, {
        hint: `this destroy acts on: ${selected.join(', ')}`,
      });
    for (const id of stack === undefined ? selected : [stack]) byStack.get(id)?.add(logicalId);
  }
  return byStack;
}
