import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Packages of the SDK release our clients were built with, resolved from the CloudFormation
 * client's own folder: the partitions and the config-file loader it uses, not whatever copy the
 * project's node_modules happens to hoist.
 */
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-cloudformation'));

interface PartitionsFile {
  partitions?: { regions?: Record<string, unknown> }[];
}

/**
 * Every region of every partition the SDK in use knows (`partitions.js` of @aws-sdk/core, the data
 * behind its endpoint resolution), or undefined if this SDK release keeps them elsewhere: the
 * region check then stays silent rather than guess (test/aws/known-regions.test.ts catches it).
 */
export function sdkKnownRegions(): readonly string[] | undefined {
  try {
    const coreDir = dirname(sdkRequire.resolve('@aws-sdk/core/package.json'));
    const text = readFileSync(join(coreDir, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'), 'utf8');
    // The file is `export const partitionsInfo = { ...JSON... };`.
    const data = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as PartitionsFile;
    const regions = (data.partitions ?? []).flatMap((p) => Object.keys(p.regions ?? {}));
    return regions.length > 0 ? regions : undefined;
  } catch {
    return undefined;
  }
}

/** The profiles in the shared config and credentials files, as the SDK reads them. */
export async function sdkProfileNames(): Promise<string[] | undefined> {
  try {
    const config = sdkRequire('@smithy/core/config') as {
      loadSharedConfigFiles: (init?: object) => Promise<{
        configFile?: Record<string, unknown>;
        credentialsFile?: Record<string, unknown>;
      }>;
    };
    const files = await config.loadSharedConfigFiles({ ignoreCache: true });
    // `[sso-session corp]` and `[services s3]` sections come back as `sso-session.corp`, `services.s3`.
    const configProfiles = Object.keys(files.configFile ?? {}).filter(
      (name) => !/^(sso-session|services)\./.test(name),
    );
    return [...new Set([...configProfiles, ...Object.keys(files.credentialsFile ?? {})])];
  } catch {
    return undefined;
  }
}
