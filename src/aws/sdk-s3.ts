import { createHash } from 'node:crypto';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { AwsError } from './errors.js';
import type { S3Port } from './ports.js';
import { toAwsError } from './to-aws-error.js';

/** `awsCode` of HeadBucket for a bucket that does not exist (S3's own code for the same case on GET/PUT). */
export const NO_SUCH_BUCKET = 'NoSuchBucket';
/** `awsCode` of an S3 403: the bucket exists (or may) but these credentials may not use it. */
export const ACCESS_DENIED = 'AccessDenied';

interface HeadErrorLike {
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, string | undefined> };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as HeadErrorLike | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** S3 names the bucket's region on HeadBucket answers, the 301 and 403 ones included. */
function regionHeader(error: unknown): string | undefined {
  const value = (error as HeadErrorLike | null)?.$response?.headers?.['x-amz-bucket-region'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * HEAD answers have no body, so the SDK cannot read an error code from them: it names a 404
 * `NotFound` and anything else `Unknown`. The status says what happened; our codes say it in S3's
 * words.
 */
function headError(operation: string, error: unknown, bucket: string, key?: string): AwsError {
  const status = statusOf(error);
  if (status === 404 && key === undefined) {
    return new AwsError(operation, NO_SUCH_BUCKET, `The specified bucket does not exist: ${bucket}`, status, error);
  }
  if (status === 403) {
    const what = key === undefined ? `bucket ${bucket}` : `s3://${bucket}/${key}`;
    return new AwsError(
      operation,
      ACCESS_DENIED,
      `Access Denied to ${what}: these credentials may not read it`,
      status,
      error,
    );
  }
  return toAwsError(operation, error);
}

/**
 * The artifacts bucket through the SDK. The S3 client has its own retries and no rate-limiter
 * token: S3 calls do not count against CloudFormation's API rate (see sdk-clients.ts).
 */
export function createSdkS3(client: S3Client): S3Port {
  return {
    async bucketRegion(bucket) {
      try {
        const output = await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return output.BucketRegion;
      } catch (error) {
        // A bucket in another region than the client's answers 301 (when the SDK's redirect did
        // not follow it); the header still names the region, which is all we asked.
        const region = regionHeader(error);
        if (statusOf(error) === 301 && region !== undefined) return region;
        throw headError('HeadBucket', error, bucket);
      }
    },

    async objectExists(bucket, key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw headError('HeadObject', error, bucket, key);
      }
    },

    async putObject(input) {
      // The SHA-256 is cheap next to the upload, and S3 refuses an object whose bytes do not match it.
      const checksum = createHash('sha256').update(input.body).digest('base64');
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: input.bucket,
            Key: input.key,
            Body: input.body,
            ContentType: input.contentType,
            ChecksumAlgorithm: 'SHA256',
            ChecksumSHA256: checksum,
          }),
        );
      } catch (error) {
        throw toAwsError('PutObject', error);
      }
    },
  };
}
