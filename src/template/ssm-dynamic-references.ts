/**
 * `{{resolve:ssm:...}}` and `{{resolve:ssm-secure:...}}` in every form CloudFormation accepts
 * (UserGuide, dynamic-references-ssm): a parameter name, optionally with `:version`, or the
 * parameter's ARN (`arn:aws:ssm:region:account:parameter/name`, how a parameter shared from
 * another account is named), also with `:version`. The text may hold `${...}` pieces when the
 * reference sits in a `Fn::Sub` or was joined from unknown pieces.
 */
export interface SsmDynamicReference {
  /** The parameter's name, as `AWS::SSM::Parameter` `Name` would give it (hierarchical names start with `/`). */
  name: string;
  secure: boolean;
  /** The pinned version, when the reference ends in `:<digits>`. */
  version: number | undefined;
  /** From the ARN form only: where the parameter lives (may differ from the stack's region and account). */
  region: string | undefined;
  account: string | undefined;
}

const REFERENCE = /\{\{resolve:(ssm|ssm-secure):((?:\$\{[^}]*\}|[^}])+)\}\}/g;

export function findSsmReferences(text: string): SsmDynamicReference[] {
  if (!text.includes('{{resolve:ssm')) return [];
  return [...text.matchAll(REFERENCE)].map((match) => parseReference(match[2] ?? '', match[1] === 'ssm-secure'));
}

function parseReference(body: string, secure: boolean): SsmDynamicReference {
  const versionMatch = /:(\d+)$/.exec(body);
  const withoutVersion = versionMatch ? body.slice(0, versionMatch.index) : body;
  const version = versionMatch ? Number(versionMatch[1]) : undefined;
  const parts = splitOutsideSubs(withoutVersion);
  // arn:<partition>:ssm:<region>:<account>:parameter/<name>; the name itself has no `:`.
  if (parts.length === 6 && parts[0] === 'arn' && parts[2] === 'ssm' && parts[5]?.startsWith('parameter/')) {
    const rest = parts[5].slice('parameter/'.length);
    // The ARN of `/a/b` is `parameter/a/b` and of `a` is `parameter/a`: a `/` left means a path.
    const name = rest.includes('/') ? `/${rest}` : rest;
    return { name, secure, version, region: parts[3] || undefined, account: parts[4] || undefined };
  }
  return { name: withoutVersion, secure, version, region: undefined, account: undefined };
}

/** Splits at `:` except inside `${...}` (a piece like `${AWS::Region}` holds colons). */
function splitOutsideSubs(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (char === '$' && text[i + 1] === '{') depth += 1;
    else if (char === '}' && depth > 0) depth -= 1;
    if (char === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
