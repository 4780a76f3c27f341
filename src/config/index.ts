export { defineConfig, output, ssm } from './define-config.js';
export type * from './types.js';
export { findConfigFile, loadConfigFile, CONFIG_FILE_NAMES } from './load-config.js';
export {
  resolveConfig,
  isOutputRef,
  isSsmRef,
  didYouMean,
  displayPath,
  DEFAULT_STACK_NAME,
  DEFAULT_STAGE,
} from './resolve-config.js';
export type { ResolvedConfig, ResolvedStack, ResolvedOutputsFile, ResolveOptions } from './resolve-config.js';
