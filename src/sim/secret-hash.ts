/**
 * NoEcho parameter values in a saved simulated account (`--simulate-state`) are kept as salted
 * SHA-256 hashes: the simulator only ever compares them (is this deploy's value the deployed
 * one?), and DescribeStacks shows them as `****` anyway. A hashed value is a string no real
 * value starts with (a NUL character), so state files keep their shape and old files with plain
 * values still load; they are hashed at the next save.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = '\u0000noecho-sha256:';

export function isHashedSecret(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** `value` hashed with a fresh salt; an already hashed value is returned as it is. */
export function hashSecret(value: string): string {
  if (isHashedSecret(value)) return value;
  const salt = randomBytes(16).toString('hex');
  return `${PREFIX}${salt}:${digest(salt, value)}`;
}

/** Equal values; a hashed one on either side stands for the value it was made from. */
export function sameSecretOrValue(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (isHashedSecret(a) && !isHashedSecret(b)) return matches(a, b);
  if (isHashedSecret(b) && !isHashedSecret(a)) return matches(b, a);
  return false;
}

function matches(hashed: string, plain: string): boolean {
  const [salt, hex] = hashed.slice(PREFIX.length).split(':');
  if (salt === undefined || hex === undefined) return false;
  const expected = Buffer.from(hex, 'hex');
  const actual = Buffer.from(digest(salt, plain), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function digest(salt: string, value: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(value).digest('hex');
}
