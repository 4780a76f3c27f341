/**
 * The codes of the offline template checks (`check-template.ts`). A code is a contract: users
 * silence checks by it (`ignoreChecks` in the config, `Metadata: { stackpilot: { ignore: [...] } }`
 * on a resource) and the README lists them. Never renumber; add.
 *
 * SP0xxx are notes, SP1xxx references CloudFormation refuses (errors, the run stops), SP2xxx
 * what the resource specification doubts (warnings: it may be older than the service), SP3xxx
 * CloudFormation's limits (errors).
 */
export const CHECKS = {
  SP0001: { level: 'note', summary: 'custom or registry resource type: not checked against the spec' },
  SP0002: { level: 'note', summary: 'checks skipped: a macro or Fn::ForEach can rewrite the template' },
  SP1001: { level: 'error', summary: 'Ref to a name the template does not declare' },
  SP1002: { level: 'error', summary: 'Fn::GetAtt of a resource the template does not declare' },
  SP1003: { level: 'error', summary: 'DependsOn names a resource the template does not declare' },
  SP1004: { level: 'error', summary: 'Fn::Sub ${X} or ${X.Attr} names nothing the template declares' },
  SP1005: { level: 'error', summary: 'Condition or Fn::If names an undeclared condition' },
  SP1006: { level: 'error', summary: 'circular dependency between resources' },
  SP2001: { level: 'warning', summary: 'Fn::GetAtt of an attribute the resource type does not have' },
  SP2002: { level: 'warning', summary: 'resource type not in the resource specification' },
  SP2003: { level: 'warning', summary: 'property not in the resource specification' },
  SP2004: { level: 'warning', summary: 'required property missing' },
  SP2005: {
    level: 'warning',
    summary: 'value of the wrong shape (a list for a single value, a mapping for a list, ...)',
  },
  SP3001: { level: 'error', summary: 'more than 200 outputs' },
  SP3002: { level: 'error', summary: 'output name longer than 255 characters' },
  SP3003: { level: 'error', summary: 'export name longer than 255 characters' },
} as const satisfies Record<string, { level: 'error' | 'warning' | 'note'; summary: string }>;

export type CheckCode = keyof typeof CHECKS;
