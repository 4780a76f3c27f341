/**
 * Writes `bench/cdk-assembly/`, the pre-synthesized cloud assembly that `bench/cdk-side-by-side.ts`
 * has the CDK CLI deploy: 8 stacks, 3 cheap resources each (an SNS topic, an SQS queue, an SSM
 * parameter), with stack dependencies s1; s2,s3 <- s1; s4 <- s2; s5 <- s2,s3; s6 <- s4; s7 <- s5;
 * s8 <- s6,s7.
 *
 *   npx jiti bench/generate-cdk-assembly.ts
 *
 * The files have the shape aws-cdk-lib 2.276's `BootstraplessSynthesizer` gives them
 * (`new App({ analyticsReporting: false })`, one `Stack` per id with `stackName: 'bench-<id>'`,
 * `sns.Topic`, `sqs.Queue`, `ssm.StringParameter`, `addDependency`), written here by hand so that
 * neither this script nor the benchmark needs aws-cdk-lib. Left out of what that synthesizer writes:
 * the bootstrap role ARNs (`assumeRoleArn`, `cloudFormationExecutionRoleArn`: without a bootstrap
 * there are no such roles, and the CLI would assume them before every stack), the feature-flag
 * report, the per-stack metadata files (creation stack traces) and `minimumCliVersion` (2.276
 * asks for a CLI newer than the newest published one). The benchmark reads the same manifest to
 * build stackpilot's config and the `aws cloudformation deploy` order, so all three tools deploy
 * the same templates in the same graph.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each stack and the stacks it waits for. */
export const BENCH_DAG: Readonly<Record<string, readonly string[]>> = {
  s1: [],
  s2: ['s1'],
  s3: ['s1'],
  s4: ['s2'],
  s5: ['s2', 's3'],
  s6: ['s4'],
  s7: ['s5'],
  s8: ['s6', 's7'],
};

/** The cloud-assembly schema version aws-cdk-lib 2.276 writes; CDK CLI 2.1148.1 reads it. */
const SCHEMA_VERSION = '55.0.0';
export const ASSEMBLY_DIR = fileURLToPath(new URL('./cdk-assembly/', import.meta.url));

export function stackNameOf(id: string): string {
  return `bench-${id}`;
}

/** The logical ids are aws-cdk-lib's (a hash of the construct path within the stack). */
function template(id: string): object {
  return {
    Resources: {
      TopicBFC7AF6E: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `bench-${id}-topic` } },
      Queue4A7E3555: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: `bench-${id}-queue` },
        UpdateReplacePolicy: 'Delete',
        DeletionPolicy: 'Delete',
      },
      Param165332EC: {
        Type: 'AWS::SSM::Parameter',
        Properties: { Name: `/bench/${id}/marker`, Type: 'String', Value: id },
      },
    },
  };
}

function manifest(): object {
  const artifacts: Record<string, object> = {};
  for (const [id, upstream] of Object.entries(BENCH_DAG)) {
    artifacts[id] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://unknown-account/unknown-region',
      properties: {
        templateFile: `${id}.template.json`,
        terminationProtection: false,
        validateOnSynth: false,
        stackName: stackNameOf(id),
      },
      ...(upstream.length > 0 ? { dependencies: [...upstream] } : {}),
      displayName: id,
    };
  }
  return { version: SCHEMA_VERSION, artifacts };
}

/** aws-cdk-lib writes templates with one space of indentation, the manifest with two. */
export async function generateCdkAssembly(dir = ASSEMBLY_DIR): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'cdk.out'), JSON.stringify({ version: SCHEMA_VERSION }));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest(), null, 2));
  for (const id of Object.keys(BENCH_DAG)) {
    await writeFile(join(dir, `${id}.template.json`), JSON.stringify(template(id), null, 1));
  }
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('generate-cdk-assembly.ts')) {
  await generateCdkAssembly();
  process.stdout.write(`wrote ${ASSEMBLY_DIR}\n`);
}
