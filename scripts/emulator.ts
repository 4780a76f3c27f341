/**
 * `npm run emulator [-- --bucket NAME ...]`: a local CloudFormation/S3/SSM endpoint to deploy to
 * without AWS. It is the patched moto server the integration tests use (test/harness), so output()
 * edges work: plain moto sets no stack outputs after a change set. Prints the endpoint and the
 * environment to use, then runs until Ctrl-C; the emulated account lives only as long as it runs.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { MOTO_REGION } from '../test/harness/aws-env.js';
import { startMoto } from '../test/harness/moto.js';

const USAGE = 'usage: npm run emulator [-- --bucket NAME ...]';

function bucketsFrom(args: readonly string[]): string[] {
  const buckets: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const name = args[i + 1];
    if (args[i] !== '--bucket' || name === undefined || name.startsWith('-')) {
      process.stderr.write(`${USAGE}\n`);
      process.exit(2);
    }
    buckets.push(name);
    i += 1;
  }
  return buckets;
}

// The SDK's Node 20 notice is stackpilot's README's to give, not this script's.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const buckets = bucketsFrom(process.argv.slice(2));
const server = await startMoto();
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  // An artifacts bucket (config `artifacts.bucket`) must exist before code can be packaged.
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  for (const bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
} catch (error) {
  await server.stop();
  throw error;
}

process.stdout.write(
  [
    `stackpilot emulator: patched moto at ${server.endpoint}` +
      (buckets.length > 0 ? ` with bucket ${buckets.join(', ')}` : ''),
    'Use it from another shell (fake credentials; nothing reaches AWS):',
    '',
    `export AWS_ENDPOINT_URL=${server.endpoint}`,
    'export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing',
    `export AWS_REGION=${MOTO_REGION}`,
    '',
    'Ctrl-C stops it (and forgets every stack).',
    '',
  ].join('\n'),
);
