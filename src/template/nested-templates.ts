import type { TemplateInfo } from './analyze-template.js';

/**
 * What nested templates (`AWS::CloudFormation::Stack` with a local `TemplateURL`) contribute to the
 * stack that deploys them: their imports, SSM reads, stack-output reads and SSM writes happen when
 * the parent deploys, so they are the parent's; their exports are created by the parent's deploy
 * too, so they count as its exports (`nestedExports`) without becoming its outputs.
 */
export function mergeNestedTemplates(parent: TemplateInfo, nested: readonly TemplateInfo[]): TemplateInfo {
  return {
    ...parent,
    imports: [...parent.imports, ...nested.flatMap((n) => n.imports)],
    ssmReads: [...parent.ssmReads, ...nested.flatMap((n) => n.ssmReads)],
    ssmWrites: [...parent.ssmWrites, ...nested.flatMap((n) => n.ssmWrites)],
    stackOutputReads: [...parent.stackOutputReads, ...nested.flatMap((n) => n.stackOutputReads)],
    nestedExports: [
      ...parent.nestedExports,
      ...nested.flatMap((n) => [...n.outputs.filter((o) => o.exportName !== undefined), ...n.nestedExports]),
    ],
    warnings: [...parent.warnings, ...nested.flatMap((n) => n.warnings)],
    errors: [...parent.errors, ...nested.flatMap((n) => n.errors)],
  };
}
