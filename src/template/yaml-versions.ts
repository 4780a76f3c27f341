import type { Tags } from 'yaml';

/**
 * CloudFormation reads YAML templates as YAML 1.1 (UserGuide, template-formats: "supports the YAML
 * Version 1.1 specification with a few exceptions": no binary, omap, pairs, set or timestamp
 * tags, no aliases, no hash merges). stackpilot reads them the same way, so the names and
 * defaults it works out are the ones CloudFormation will see:
 * - `yes`/`no`/`on`/`off` (any of the three spellings) are booleans, which CloudFormation passes
 *   on as `true`/`false`; single letters `y`/`n` stay strings, as in the YAML 1.1 readers in wide
 *   use (PyYAML, SnakeYAML), since the 1.1 type list's `y|n` is not applied by them;
 * - `0755` is octal (493), `0b1010` binary, `1_000` is 1000, `1:30` is base 60 (90);
 * - `1e3` is a string (a 1.1 float has a dot and a signed exponent: `1.0e+3`);
 * - decimals with a leading zero that are not octal (`012345678901`, `09`) are strings, as the
 *   1.1 integer pattern `[-+]?(0|[1-9][0-9_]*)` has it;
 * - `2010-09-09` stays a string (no timestamp tag).
 * Where a plain scalar reads differently in YAML 1.2 (what most editors and linters assume),
 * `yamlVersionDifference` says how, so the template can quote it.
 */
const OMITTED = new Set([
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
  'tag:yaml.org,2002:timestamp',
  // `<<` stays a plain key so that parse-template refuses it with its own message.
  'tag:yaml.org,2002:merge',
]);
const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const TRUE_11 = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE_11 = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const DECIMAL_11 = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const FLOAT = 'tag:yaml.org,2002:float';
// YAML 1.1's float has a dot, and a sign in its exponent: `1e3` is a string, `1.0e+3` a number.
const EXPONENT_11 = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*[eE][-+][0-9]+$/;

/** The `yaml` package's YAML 1.1 schema, adjusted to CloudFormation's reading (see above). */
export function cloudFormationYaml11Tags(tags: Tags): Tags {
  return tags
    .filter((tag) => typeof tag === 'string' || !OMITTED.has(tag.tag))
    .map((tag): Tags[number] => {
      if (typeof tag === 'string' || !('test' in tag) || tag.test === undefined) return tag;
      if (tag.tag === BOOL) return { ...tag, test: tag.test.test('yes') ? TRUE_11 : FALSE_11 };
      if (tag.tag === INT && tag.format === undefined) return { ...tag, test: DECIMAL_11 };
      if (tag.tag === FLOAT && tag.format === 'EXP') return { ...tag, test: EXPONENT_11 };
      return tag;
    });
}

/** How YAML 1.2's core schema reads a plain scalar, where that is not simply the string itself. */
function yaml12Value(source: string): unknown {
  if (/^(?:~|null|Null|NULL)?$/.test(source)) return null;
  if (/^(?:true|True|TRUE)$/.test(source)) return true;
  if (/^(?:false|False|FALSE)$/.test(source)) return false;
  if (/^[-+]?[0-9]+$/.test(source)) return Number.parseInt(source, 10);
  if (/^0o[0-7]+$/.test(source)) return Number.parseInt(source.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return Number.parseInt(source.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(source)) return Number.parseFloat(source);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(source)) return source.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(source)) return Number.NaN;
  return source;
}

const show = (value: unknown): string => (typeof value === 'string' ? `the string "${value}"` : String(value));

/**
 * For a plain (unquoted) scalar: a sentence saying how YAML 1.1 (CloudFormation, stackpilot) and
 * YAML 1.2 read it differently, or undefined when they agree.
 */
export function yamlVersionDifference(source: string, value11: unknown): string | undefined {
  // Cheap filter: only scalars that start like a number or spell a 1.1 boolean can differ.
  if (!/^[-+.0-9]|^(?:[YyNnOo]|true|false|TRUE|FALSE|True|False)/.test(source)) return undefined;
  const value12 = yaml12Value(source);
  const same =
    value12 === value11 ||
    (typeof value12 === 'number' && typeof value11 === 'number' && Number.isNaN(value12) && Number.isNaN(value11));
  if (same) return undefined;
  return `\`${source}\` is read as ${show(value11)} (YAML 1.1, as CloudFormation reads templates); a YAML 1.2 reader sees ${show(value12)}`;
}
