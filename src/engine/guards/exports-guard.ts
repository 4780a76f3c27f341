import type { CloudFormationPort, StackDescription } from '../../aws/ports.js';
import type { TemplateInfo } from '../../template/analyze-template.js';
import type { TemplateObject, TemplateValue } from '../../template/parse-template.js';

/**
 * Exports other stacks import cannot be removed or changed: CloudFormation would fail mid-deploy
 * with "Export X cannot be updated as it is in use by Y" (CLOUDFORMATION.md §4). Found before
 * anything is touched: the exports this update removes or whose value expression changes, and
 * who imports them (ListImports). Returns one line per refused export.
 */
export async function exportsInUse(input: {
  cf: CloudFormationPort;
  deployed: StackDescription;
  deployedTemplate: TemplateObject | undefined;
  template: TemplateInfo;
  newTemplate: TemplateObject;
}): Promise<string[]> {
  const problems: string[] = [];
  // The new template's export names may hold pieces known only at deploy time (`${AWS::AccountId}`):
  // those match the deployed name as a pattern.
  const outputFor = (exportName: string): string | undefined =>
    input.template.outputs.find((o) => {
      if (!o.exportName) return false;
      if (o.exportName.unknowns.length === 0) return o.exportName.value === exportName;
      const parts = o.exportName.value.split(/\$\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${parts.join('.+')}$`).test(exportName);
    })?.name;
  for (const output of input.deployed.outputs) {
    if (output.exportName === undefined) continue;
    const newOutput = outputFor(output.exportName);
    const removed = newOutput === undefined;
    const changed = !removed && valueOf(input.deployedTemplate, output.key) !== valueOf(input.newTemplate, newOutput);
    if (!removed && !changed) continue;
    const importers = (await input.cf.listImports(output.exportName)).filter(
      (name) => name !== input.deployed.stackName,
    );
    if (importers.length === 0) continue;
    const oneImporter = importers.length === 1;
    problems.push(
      `export ${output.exportName} (output ${output.key}) would be ${removed ? 'removed' : 'changed'}, ` +
        `but ${importers.join(', ')} ${oneImporter ? 'imports' : 'import'} it: ` +
        `first deploy ${oneImporter ? 'that stack' : 'those stacks'} without the import ` +
        '(or have them read the value from an SSM parameter at run time), then this one',
    );
  }
  return problems;
}

/** The output's Value expression as text, to tell whether the exported value may change. */
function valueOf(template: TemplateObject | undefined, outputName: string): string | undefined {
  const outputs = template?.Outputs;
  if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) return undefined;
  const output: TemplateValue | undefined = Object.hasOwn(outputs, outputName) ? outputs[outputName] : undefined;
  if (!output || typeof output !== 'object' || Array.isArray(output)) return undefined;
  return JSON.stringify(output.Value);
}
