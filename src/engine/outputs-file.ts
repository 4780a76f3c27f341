import type { ResolvedOutputsFile } from '../config/resolve-config.js';
import { writeFileAtomic } from '../write-file-atomic.js';

/** `NAME=value`, quoted when the value needs it, so that any dotenv reader gets it back exactly. */
function dotenvLine(name: string, value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? `${name}=${value}` : `${name}=${JSON.stringify(value)}`;
}

export function renderOutputsFile(format: 'json' | 'dotenv', values: Record<string, string>): string {
  if (format === 'json') return `${JSON.stringify(values, null, 2)}\n`;
  return `${Object.entries(values)
    .map(([name, value]) => dotenvLine(name, value))
    .join('\n')}\n`;
}

/**
 * Writes the configured outputs file. Every value must be known: a file with some values missing
 * would silently point a frontend at nothing, so then nothing is written and the missing ones
 * are returned.
 */
export async function writeOutputsFile(
  config: ResolvedOutputsFile,
  outputsOf: (stack: string) => Promise<Record<string, string> | undefined>,
  /** How errors name the file. */
  display?: string,
): Promise<{ written: boolean; missing: string[] }> {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, ref] of Object.entries(config.values)) {
    const outputs = await outputsOf(ref.stack);
    const value = outputs && Object.hasOwn(outputs, ref.name) ? outputs[ref.name] : undefined;
    if (value === undefined) missing.push(`${name} (output ${ref.name} of ${ref.stack})`);
    // defineProperty: an entry named __proto__ is written like any other.
    else Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  if (missing.length > 0) return { written: false, missing };
  // Replaced, never rewritten in place: a dev server watching the file never reads it empty.
  await writeFileAtomic(
    config.file,
    renderOutputsFile(config.format, values),
    display === undefined ? {} : { display },
  );
  return { written: true, missing };
}
