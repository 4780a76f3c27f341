import type { ConfigEnv, ConfigExport, OutputRef, SsmRef, StackpilotConfig } from './types.js';

/** Types a config without changing it; accepts the config or a function of the environment. */
export function defineConfig(config: StackpilotConfig): StackpilotConfig;
export function defineConfig(
  config: (env: ConfigEnv) => StackpilotConfig | Promise<StackpilotConfig>,
): (env: ConfigEnv) => StackpilotConfig | Promise<StackpilotConfig>;
export function defineConfig(config: ConfigExport): ConfigExport {
  return config;
}

/** A parameter value from another stack's output; the stack deploys first. */
export function output(stack: string, name: string): OutputRef {
  return { output: { stack, name } };
}

/** A parameter value read from SSM Parameter Store when the stack is deployed. */
export function ssm(name: string): SsmRef {
  return { ssm: name };
}
