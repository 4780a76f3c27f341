import type { ResolvedName } from '../template/resolve-name.js';

/**
 * Pieces that are the same for every stack of one config (one account, one region per run): two
 * identical expressions made only of these name the same thing for certain.
 */
const SHARED_PIECES: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::URLSuffix',
]);

/** A name whose only unknown pieces are the same for every stack of the config: one value per run. */
export function isOneValuePerRun(name: ResolvedName): boolean {
  return name.unknowns.every((u) => SHARED_PIECES.has(u));
}

/**
 * How `offered` (an export, an SSM parameter, a stack name) answers `wanted`: `exact` when the two
 * are certainly the same name, `pattern` when a `${...}` piece had to stand for any text (or two
 * identical expressions were taken to give the same value), undefined when they cannot be equal.
 */
export function matchName(wanted: ResolvedName, offered: ResolvedName): 'exact' | 'pattern' | undefined {
  const wantedOpen = wanted.unknowns.length > 0;
  const offeredOpen = offered.unknowns.length > 0;
  if (!wantedOpen && !offeredOpen) return offered.value === wanted.value ? 'exact' : undefined;
  if (wantedOpen && offeredOpen) {
    // The same unresolved expression on both sides, e.g. `logs-${AWS::AccountId}`.
    if (wanted.value !== offered.value) return undefined;
    return isOneValuePerRun(wanted) && isOneValuePerRun(offered) ? 'exact' : 'pattern';
  }
  const [open, text] = wantedOpen ? [wanted, offered.value] : [offered, wanted.value];
  return toPattern(open).test(text) ? 'pattern' : undefined;
}

const patterns = new Map<string, RegExp>();

/** Each `${...}` stands for any non-empty text. */
function toPattern(name: ResolvedName): RegExp {
  let pattern = patterns.get(name.value);
  if (!pattern) {
    const parts = name.value.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`^${parts.join('.+')}$`);
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(name.value, pattern);
  }
  return pattern;
}
