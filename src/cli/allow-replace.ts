import { UsageError } from '../errors.js';
import type { Project } from '../graph/load-project.js';

/** `--allow-replace <stack>.<LogicalId>`: checked against the project, so a typo cannot silently allow nothing. */
export function parseAllowReplace(values: readonly string[] | undefined, project: Project): ReadonlySet<string> {
  const allowed = new Set<string>();
  for (const value of values ?? []) {
    const dot = value.indexOf('.');
    const stack = value.slice(0, dot);
    const logicalId = value.slice(dot + 1);
    const template = project.templates.get(stack);
    if (dot <= 0 || logicalId === '' || !template) {
      throw new UsageError(`--allow-replace ${value}: expected <stack>.<LogicalId> with a stack of this project`, {
        hint: `stacks are: ${project.config.stacks.map((s) => s.id).join(', ')}`,
      });
    }
    allowed.add(`${stack}.${logicalId}`);
  }
  return allowed;
}
