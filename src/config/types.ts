/**
 * The shape users write in `stacks.config.ts`. Everything here is plain data, so the same
 * config can be written as `stacks.config.json`.
 */

/** A parameter value taken from another stack's output. Creates a dependency edge. */
export interface OutputRef {
  output: {
    /** The id of the stack (a key of `stacks`) whose output to use. */
    stack: string;
    /** The output's logical name in that stack's template. */
    name: string;
  };
}

/** A parameter value read from SSM Parameter Store when the stack is deployed. */
export interface SsmRef {
  /** The parameter's name, e.g. `/orders/prod/db-host`. */
  ssm: string;
}

export type ParameterValue = string | number | boolean | readonly string[] | OutputRef | SsmRef;

export type Capability = 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | 'CAPABILITY_AUTO_EXPAND';

export interface StackDefaults {
  /**
   * Capabilities acknowledged for every stack (a stack's own list replaces this one).
   * @default []
   */
  capabilities?: Capability[];
  /**
   * Tags put on every stack (merged under each stack's own tags).
   * @default {}
   */
  tags?: Record<string, string>;
  /**
   * Turn on termination protection for every stack.
   * @default false
   */
  terminationProtection?: boolean;
}

export interface StackConfig {
  /** Path to the CloudFormation template (YAML or JSON), relative to the config file. */
  template: string;
  /**
   * Stacks that must deploy before this one, beyond those inferred from the templates
   * (`Fn::ImportValue`, SSM parameters) and from `output()` parameters.
   * @default []
   */
  dependsOn?: string[];
  /**
   * Template parameters: literals, `output(stack, name)` or `ssm(name)`.
   * @default {}
   */
  parameters?: Record<string, ParameterValue>;
  /**
   * Tags for this stack, merged over `defaults.tags`.
   * @default {}
   */
  tags?: Record<string, string>;
  /**
   * Capabilities for this stack; replaces `defaults.capabilities`.
   * @default defaults.capabilities
   */
  capabilities?: Capability[];
  /**
   * The CloudFormation stack name; placeholders `${project}`, `${stage}`, `${id}`, `${region}`.
   * @default the top-level `stackName` pattern
   */
  stackName?: string;
  /**
   * The stack holds data (tables, buckets): changes that remove or replace stateful resources
   * are refused unless explicitly allowed.
   * @default false
   */
  stateful?: boolean;
  /**
   * `stackpilot destroy` may delete this stack although it is `stateful`, without
   * `--allow-stateful <id>` (per-PR stages: `allowDestroy: stage !== 'prod'`). Resources with
   * `DeletionPolicy: Retain` stay either way; termination protection is never lifted by it.
   * @default false
   */
  allowDestroy?: boolean;
  /**
   * Protect the stack from deletion. Stateful stacks are protected unless this says `false`.
   * @default true for stateful stacks, else defaults.terminationProtection
   */
  terminationProtection?: boolean;
  /**
   * Write outputs to SSM Parameter Store after each deploy (String parameters, overwritten), so
   * that code and other systems read them at run time: `{ ApiUrl: '/orders/prod/api-url' }`.
   * @default {}
   */
  outputsToSsm?: Record<string, string>;
  /**
   * Fail the stack operation after this many minutes (CloudFormation's `TimeoutInMinutes`, create only).
   * @default no timeout
   */
  timeoutMinutes?: number;
  /**
   * Template checks to silence for this stack, by code (the README lists them), e.g.
   * `['SP3001']`. One resource silences its own with
   * `Metadata: { stackpilot: { ignore: ['SP2003'] } }` in the template.
   * @default []
   */
  ignoreChecks?: string[];
}

/** Where to write stack outputs after a deploy, e.g. for a frontend build. */
export interface OutputsFileConfig {
  /** Path of the file to write, relative to the config file. */
  file: string;
  /**
   * `json` writes `{ "NAME": "value" }`; `dotenv` writes `NAME=value` lines.
   * @default 'json'
   */
  format?: 'json' | 'dotenv';
  /** Which outputs to write, under which names: `{ API_URL: output('app', 'ApiUrl') }`. */
  values: Record<string, OutputRef>;
}

/** What can differ per stage; merged over the top level. */
export interface StageOverrides {
  /** @default the top-level `region` */
  region?: string;
  /** @default the top-level `stackName` */
  stackName?: string;
  /** Merged over the top-level `defaults`. */
  defaults?: StackDefaults;
  /** Per-stack overrides for this stage; `parameters` and `tags` merge, other fields replace. */
  stacks?: Record<string, Partial<StackConfig>>;
  /** Replaces the top-level `outputs` for this stage. */
  outputs?: OutputsFileConfig;
  /** Replaces the top-level `artifacts` for this stage. */
  artifacts?: ArtifactsConfig;
}

/**
 * Where packaged code and templates go (local paths in templates: Lambda code, layers, nested
 * templates). The bucket must exist; keys are content hashes, so unchanged code is never uploaded
 * twice.
 */
export interface ArtifactsConfig {
  bucket: string;
  /** Key prefix, e.g. `stackpilot/orders`. @default none */
  prefix?: string;
}

export interface StackpilotConfig {
  /** The project's name, used in stack names. Letters, digits and hyphens. */
  project: string;
  /**
   * The stage (environment) to deploy; `--stage` overrides it.
   * @default 'dev'
   */
  stage?: string;
  /**
   * The AWS region; `--region`, `AWS_REGION` and the AWS config file apply when it is not set.
   * @default the AWS SDK's region resolution
   */
  region?: string;
  /**
   * How stack names are made; placeholders `${project}`, `${stage}`, `${id}`, `${region}`.
   * @default '${project}-${stage}-${id}'
   */
  stackName?: string;
  /** Settings applied to every stack. */
  defaults?: StackDefaults;
  /** Overrides per stage, keyed by stage name. @default {} */
  stages?: Record<string, StageOverrides>;
  /** The stacks, keyed by id (the name used in `dependsOn`, `output()` and on the command line). */
  stacks: Record<string, StackConfig>;
  /** Write selected stack outputs to a file after deploy. @default none */
  outputs?: OutputsFileConfig;
  /** The S3 bucket for packaged artifacts; needed when a template names local paths. @default none */
  artifacts?: ArtifactsConfig;
}

/** What a config function receives. */
export interface ConfigEnv {
  /** The stage from `--stage`, else `'dev'`. */
  stage: string;
  /** The command being run, e.g. `deploy`, `validate`. */
  command: string;
}

export type ConfigExport = StackpilotConfig | ((env: ConfigEnv) => StackpilotConfig | Promise<StackpilotConfig>);
