import { didYouMean } from '../config/resolve-config.js';

/**
 * A warning for a region the SDK in use does not know, with the nearest known one; undefined for a
 * known region, or when the SDK's list could not be read. Never an error: a region newer than the
 * SDK works with it all the same (the SDK builds the endpoint from the partition's pattern).
 */
export function unknownRegionWarning(
  region: string,
  knownRegions: readonly string[] | undefined,
): { message: string; hint: string } | undefined {
  if (knownRegions === undefined || knownRegions.includes(region)) return undefined;
  const suggestion = didYouMean(region, knownRegions);
  return {
    message: `region "${region}" is not one the AWS SDK knows`,
    hint:
      suggestion === undefined
        ? 'check the region (--region, the config, AWS_REGION, the profile); if it is newer than this stackpilot, go on or upgrade'
        : `${suggestion} (if "${region}" is a region newer than this stackpilot, go on or upgrade)`,
  };
}
