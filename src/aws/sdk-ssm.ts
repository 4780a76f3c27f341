import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { AwsError } from './errors.js';
import type { SsmPort } from './ports.js';
import { callAws } from './to-aws-error.js';

/** SSM Parameter Store through the SDK; every call goes through the client's limiter and retries. */
export function createSdkSsm(client: SSMClient): SsmPort {
  return {
    async getParameter(name) {
      try {
        const output = await callAws('GetParameter', () =>
          client.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
        );
        const parameter = output.Parameter;
        if (parameter === undefined) return undefined;
        return {
          name: parameter.Name ?? name,
          type: parameter.Type ?? 'String',
          value: parameter.Value ?? '',
          version: parameter.Version,
        };
      } catch (error) {
        if (error instanceof AwsError && error.awsCode === 'ParameterNotFound') return undefined;
        throw error;
      }
    },

    async putParameter(input) {
      await callAws('PutParameter', () =>
        client.send(
          new PutParameterCommand({
            Name: input.name,
            Value: input.value,
            Type: 'String',
            Overwrite: input.overwrite,
            Description: input.description,
          }),
        ),
      );
    },
  };
}
