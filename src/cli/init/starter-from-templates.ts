/**
 * `stackpilot init --templates <glob>`: one stack per template found, named after its file, with
 * the parameters the template requires (no Default) as placeholders. Pure over parsed templates.
 */
import { basename, extname } from 'node:path';
import { UsageError } from '../../errors.js';
import { STACK_ID_PATTERN } from '../../config/schema.js';
import type { TemplateInfo } from '../../template/analyze-template.js';
import type { StarterStack } from './starter-config.js';

export interface FoundTemplate {
  /** Relative to the config, forward slashes. */
  file: string;
  info: TemplateInfo;
}

export function starterFromTemplates(found: readonly FoundTemplate[]): StarterStack[] {
  const byId = new Map<string, string>();
  return found.map(({ file, info }): StarterStack => {
    const id = stackIdOf(file);
    const other = byId.get(id);
    if (other !== undefined)
      throw new UsageError(`${other} and ${file} would both be stack "${id}"`, {
        hint: 'narrow --templates to one of them, or rename one file',
      });
    byId.set(id, file);
    return {
      id,
      template: file,
      parameters: info.parameters
        .filter((p) => p.default === undefined)
        .map(
          (p) =>
            [
              p.name,
              {
                kind: 'placeholder',
                why: `${p.name} (${p.type}${p.noEcho ? ', NoEcho' : ''}) has no Default in the template`,
              },
            ] as const,
        ),
      tags: {},
      capabilities: [],
      terminationProtection: false,
    };
  });
}

/** `templates/core-infra.yaml` → `core-infra`; characters a stack id cannot have become hyphens. */
function stackIdOf(file: string): string {
  const base = basename(file, extname(file))
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '');
  const id = base === '' ? 'stack' : base;
  return STACK_ID_PATTERN.test(id) ? id : 'stack';
}
