import { z } from 'zod';

/** Ids appear on the command line and in `${id}` of stack names, so they follow CloudFormation's name rule. */
export const STACK_ID_PATTERN = /^[A-Za-z][A-Za-z0-9-]*$/;
const PROJECT_PATTERN = /^[A-Za-z][A-Za-z0-9-]*$/;

const capability = z.enum(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
const tags = z.record(z.string(), z.string());

const outputRef = z.strictObject({ output: z.strictObject({ stack: z.string().min(1), name: z.string().min(1) }) });
const ssmRef = z.strictObject({ ssm: z.string().min(1) });

const parameterValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), outputRef, ssmRef], {
  error: 'must be a string, number, boolean, list of strings, output(stack, name) or ssm(name)',
});

export const defaultsSchema = z.strictObject({
  capabilities: z.array(capability).optional(),
  tags: tags.optional(),
  terminationProtection: z.boolean().optional(),
});

export const stackSchema = z.strictObject({
  template: z.string().min(1),
  dependsOn: z.array(z.string()).optional(),
  parameters: z.record(z.string(), parameterValue).optional(),
  tags: tags.optional(),
  capabilities: z.array(capability).optional(),
  stackName: z.string().min(1).optional(),
  stateful: z.boolean().optional(),
  allowDestroy: z.boolean().optional(),
  terminationProtection: z.boolean().optional(),
  timeoutMinutes: z.number().int().positive().optional(),
  outputsToSsm: z
    .record(
      z.string(),
      z.string().regex(/^\/?[a-zA-Z0-9_.\-/]+$/, 'must be an SSM parameter name (letters, digits, _ . - /)'),
    )
    .optional(),
  ignoreChecks: z
    .array(z.string().regex(/^SP\d{4}$/, 'must be a check code such as SP2003 (see the README)'))
    .optional(),
});

export const outputsSchema = z.strictObject({
  file: z.string().min(1),
  format: z.enum(['json', 'dotenv']).optional(),
  values: z.record(z.string(), outputRef),
});

/** S3 bucket names (the rules CloudFormation and S3 apply to new buckets). */
export const artifactsSchema = z.strictObject({
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens',
    ),
  prefix: z
    .string()
    .regex(/^[a-zA-Z0-9!_.*'()/-]*$/, "must be an S3 key prefix: letters, digits and ! _ . * ' ( ) / -")
    .optional(),
});

export const stageSchema = z.strictObject({
  region: z.string().min(1).optional(),
  stackName: z.string().min(1).optional(),
  defaults: defaultsSchema.optional(),
  stacks: z.record(z.string(), stackSchema.partial()).optional(),
  outputs: outputsSchema.optional(),
  artifacts: artifactsSchema.optional(),
});

export const configSchema = z.strictObject({
  project: z
    .string()
    .regex(
      PROJECT_PATTERN,
      'must start with a letter and hold only letters, digits and hyphens (it becomes part of stack names)',
    ),
  stage: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  stackName: z.string().min(1).optional(),
  defaults: defaultsSchema.optional(),
  stages: z.record(z.string(), stageSchema).optional(),
  stacks: z.record(z.string(), stackSchema),
  outputs: outputsSchema.optional(),
  artifacts: artifactsSchema.optional(),
});

/**
 * The keys allowed in the object at `path`, for "did you mean" on unknown keys. Paths follow
 * the config's shape: records (stacks, stages, parameters) are skipped by their key.
 */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  const p = path.map(String);
  const shapeKeys = (schema: { shape: object }): string[] => Object.keys(schema.shape);
  if (p.length === 0) return shapeKeys(configSchema);
  const [first] = p;
  const inStage = first === 'stages' && p.length >= 2 ? p.slice(2) : undefined;
  const rest = inStage ?? p;
  if (rest.length === 0) return shapeKeys(stageSchema);
  if (rest[0] === 'defaults' && rest.length === 1) return shapeKeys(defaultsSchema);
  if (rest[0] === 'outputs' && rest.length === 1) return shapeKeys(outputsSchema);
  if (rest[0] === 'artifacts' && rest.length === 1) return shapeKeys(artifactsSchema);
  if (rest[0] === 'stacks' && rest.length === 2) return shapeKeys(stackSchema);
  // outputs.values take output() only; parameters also take ssm().
  if (rest.length >= 2 && rest.at(-2) === 'values') return ['output'];
  if (rest.length >= 2 && rest.at(-2) === 'parameters') return ['output', 'ssm'];
  if (rest.length >= 2 && rest.at(-1) === 'output') return ['stack', 'name'];
  return [];
}
