import { formatLocation } from '../errors.js';
import type { Problem } from '../errors.js';
import type { Colors } from '../ui/colors.js';

export function formatWarnings(warnings: readonly Problem[], c: Colors): string {
  return warnings
    .map((w) => {
      const where = w.location ? `${formatLocation(w.location)}: ` : '';
      const hint = w.hint ? `\n    ${c.dim(`→ ${w.hint}`)}` : '';
      const code = w.code ? ` [${w.code}]` : '';
      return `${c.yellow('warning:')} ${where}${w.message}${code}${hint}\n`;
    })
    .join('');
}

/** Notes are never wrong (a custom resource type, checks a macro made impossible): said once, dimmed. */
export function formatNotes(notes: readonly Problem[], c: Colors): string {
  return notes
    .map((n) => {
      const where = n.location ? `${formatLocation(n.location)}: ` : '';
      const code = n.code ? ` [${n.code}]` : '';
      return c.dim(`note: ${where}${n.message}${code}`) + '\n';
    })
    .join('');
}
