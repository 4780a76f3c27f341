import { ConfigError } from '../errors.js';
import type { SourceLocation } from '../errors.js';
import { setOwn } from './own-keys.js';

/** Far deeper than any config (the deepest field is stages.X.stacks.Y.parameters.Z.output.name). */
const MAX_CONFIG_DEPTH = 32;

/**
 * What a config exported, copied into plain data once: getters run here (and a getter that throws
 * is the user's error, named with the field), a value that refers to itself or nests without end
 * is refused, and keys stay own keys (`__proto__` included). Validation then reads data only.
 */
export function snapshotConfig(value: unknown, file: string, locate: (error: unknown) => SourceLocation): unknown {
  const ancestors = new Set<object>();
  const copy = (item: unknown, path: string): unknown => {
    if (item === null || typeof item !== 'object') return item;
    if (ancestors.has(item)) throw new ConfigError(`the config refers to itself at ${path}`, { file });
    if (ancestors.size >= MAX_CONFIG_DEPTH)
      throw new ConfigError(`the config nests more than ${MAX_CONFIG_DEPTH} levels deep at ${path}`, { file });
    const prototype = Object.getPrototypeOf(item) as unknown;
    // Dates, Maps, class instances: left as they are, for validation to name their field.
    if (!Array.isArray(item) && prototype !== Object.prototype && prototype !== null) return item;
    ancestors.add(item);
    try {
      if (Array.isArray(item)) return item.map((element, index) => copy(element, `${path}[${index}]`));
      const result: Record<string, unknown> = {};
      for (const key of Object.keys(item)) {
        const field = path ? `${path}.${key}` : key;
        setOwn(result, key, copy(read(item, key, field), field));
      }
      return result;
    } finally {
      ancestors.delete(item);
    }
  };
  const read = (item: object, key: string, field: string): unknown => {
    try {
      return (item as Record<string, unknown>)[key];
    } catch (error) {
      throw new ConfigError(`reading ${field} threw: ${firstLine(error)}`, locate(error), { cause: error });
    }
  };
  try {
    return copy(value, '');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // A Proxy's traps, an array's getters: whatever else throws while the config is read.
    throw new ConfigError(`reading the config threw: ${firstLine(error)}`, locate(error), { cause: error });
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
