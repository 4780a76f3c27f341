import type { Parameter, StackDescription } from '../../aws/ports.js';
import type { TemplateInfo } from '../../template/analyze-template.js';
import { parseTemplate } from '../../template/parse-template.js';

/** What deploy would send, against what is deployed: the inputs of the unchanged check. */
export interface DeploymentComparisonInput {
  deployed: StackDescription;
  deployedTemplate: string;
  templateBody: string;
  templateFile: string;
  template: TemplateInfo;
  parameters: readonly Parameter[];
  tags: Readonly<Record<string, string>>;
}

/** Which of the three inputs differ from the deployed stack (`stackpilot status` shows each). */
export interface DeploymentDifferences {
  template: boolean;
  parameters: boolean;
  tags: boolean;
}

/**
 * Whether deploying would change nothing: the deployed template, parameters and tags equal what
 * would be sent (DESIGN.md step 3). Then no change set is made at all (as CDK does).
 */
export function isSameDeployment(input: DeploymentComparisonInput): boolean {
  const differs = compareDeployment(input);
  return !differs.template && !differs.parameters && !differs.tags;
}

/** The unchanged check part by part: the one comparison deploy and status share. */
export function compareDeployment(input: DeploymentComparisonInput): DeploymentDifferences {
  return {
    template: !sameTemplate(input.deployedTemplate, input.templateBody, input.templateFile),
    parameters: !sameParameters(input.deployed, input.template, input.parameters),
    tags: !sameRecord(input.deployed.tags, input.tags),
  };
}

/** Text first (YAML comes back as sent); else structure, since JSON may come back re-serialised. */
function sameTemplate(deployed: string, local: string, file: string): boolean {
  if (deployed === local) return true;
  try {
    return JSON.stringify(parseTemplate(deployed, file).body) === JSON.stringify(parseTemplate(local, file).body);
  } catch {
    return false;
  }
}

/**
 * DescribeStacks lists every template parameter, defaults included, and masks NoEcho values as
 * `****`: compare against the defaults overlaid with what we send. A masked value can never be
 * proven equal, so such a stack always gets a change set.
 */
function sameParameters(deployed: StackDescription, template: TemplateInfo, parameters: readonly Parameter[]): boolean {
  const expected: Record<string, string> = {};
  for (const p of template.parameters) if (p.default !== undefined) expected[p.name] = p.default;
  for (const p of parameters) expected[p.key] = p.value;
  const actual = Object.fromEntries(deployed.parameters.map((p) => [p.key, p.value]));
  if (Object.values(actual).includes('****')) return false;
  return sameRecord(actual, expected);
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Stacks whose deployed state depends on SSM values CloudFormation resolves itself at deploy time
 * (SSM-typed parameters): comparing the template says nothing, so they always get a change set.
 */
export function resolvesSsmAtDeploy(template: TemplateInfo): boolean {
  return template.ssmReads.some((read) => read.via === 'parameter-type');
}
