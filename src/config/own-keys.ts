/**
 * Config, scenario and template data are user data: keys are looked up as own keys only, so that
 * a stack named `constructor` is a name to report, not a method found on every object, and a
 * parameter or tag named `__proto__` is an entry like any other.
 */

/** The record's own entry `key`, never one inherited from Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function hasOwnKey(record: object | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

/** Sets `key` as an own data property: assignment would set the prototype for `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * zod leaves `__proto__` out of the records it parses (on purpose: assigning it would set the
 * prototype). Before parsing, such keys are renamed to a name no config can hold; after parsing
 * they get their name back, so a parameter or tag named `__proto__` reaches CloudFormation.
 */
const PROTO = '__proto__';
const ESCAPED_PROTO = '\u0000__proto__';

export function escapeProtoKeys(value: unknown): unknown {
  return renameKeys(value, PROTO, ESCAPED_PROTO);
}

export function restoreProtoKeys<T>(value: T): T {
  return renameKeys(value, ESCAPED_PROTO, PROTO) as T;
}

/** A path segment as the user wrote it (issue paths of an escaped value name the escaped key). */
export function unescapeKey(key: PropertyKey): PropertyKey {
  return key === ESCAPED_PROTO ? PROTO : key;
}

/** Deeper than any schema reaches (config: stages.X.stacks.Y.parameters.Z.output.name); below, values are left as they are. */
const RENAME_DEPTH = 16;

function renameKeys(value: unknown, from: string, to: string, depth = 0): unknown {
  if (depth >= RENAME_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, from, to, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    setOwn(copy, key === from ? to : key, renameKeys(item, from, to, depth + 1));
  return copy;
}
