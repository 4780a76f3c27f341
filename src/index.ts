/** The public API of the `stackpilot` package: what `stacks.config.ts` imports. */
export { defineConfig, output, ssm } from './config/define-config.js';
export type {
  StackpilotConfig,
  StackConfig,
  StackDefaults,
  StageOverrides,
  OutputsFileConfig,
  ArtifactsConfig,
  OutputRef,
  SsmRef,
  ParameterValue,
  Capability,
  ConfigEnv,
  ConfigExport,
} from './config/types.js';
