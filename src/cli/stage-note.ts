import type { ResolvedConfig } from '../config/resolve-config.js';

/**
 * Why the stage is not one the config names, or undefined when it is. A stage per pull request
 * (`--stage pr-42`) is meant to work, so this is a note in the header, not an error; but a typo
 * (`--stage prdo`) would otherwise deploy a whole new set of stacks without a word.
 */
export function stageNote(config: Pick<ResolvedConfig, 'stage' | 'knownStages'>): string | undefined {
  const known = config.knownStages;
  if (known === undefined || known.includes(config.stage)) return undefined;
  return `stage "${config.stage}" is not in the config (it knows ${known.join(', ')}): the top-level settings apply`;
}
