/**
 * Deterministic randomness for the simulator: the same seed gives the same ids, durations and
 * throttled calls, so a virtual run can be replayed exactly.
 */

/** mulberry32: tiny, fast, and good enough for jitter and ids. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** The internal state, to persist and resume the sequence. */
  get current(): number {
    return this.state;
  }

  /** A version-4-shaped UUID drawn from this sequence. */
  uuid(): string {
    const bytes = Array.from({ length: 16 }, () => Math.floor(this.next() * 256));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** FNV-1a, 32 bits. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A stable number in [0, 1) for a text. */
export function unitHash(text: string): number {
  return fnv1a(text) / 4_294_967_296;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

/** A stable string of `length` characters for a text, like the random suffixes CloudFormation adds. */
export function shortHash(text: string, length = 12, alphabet: 'upper' | 'hex' = 'upper'): string {
  const chars = alphabet === 'upper' ? UPPER_ALNUM : HEX;
  let out = '';
  let hash = fnv1a(text);
  for (let i = 0; out.length < length; i += 1) {
    hash = fnv1a(`${i}:${text}`, hash);
    let h = hash;
    for (let k = 0; k < 4 && out.length < length; k += 1) {
      out += chars[h % chars.length] ?? '0';
      h = Math.floor(h / chars.length);
    }
  }
  return out;
}
