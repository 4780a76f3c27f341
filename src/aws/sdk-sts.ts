import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import type { IdentityPort } from './ports.js';
import { callAws } from './to-aws-error.js';

/** STS through the SDK: the one call that proves the credentials before a run. */
export function createSdkIdentity(client: STSClient): IdentityPort {
  const region = (): Promise<string> => callAws('ResolveRegion', () => client.config.region());
  return {
    region,
    async whoAmI() {
      const output = await callAws('GetCallerIdentity', () => client.send(new GetCallerIdentityCommand({})));
      return { account: output.Account ?? '', arn: output.Arn ?? '', region: await region() };
    },
  };
}
