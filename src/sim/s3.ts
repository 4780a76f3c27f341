/**
 * The simulated account's S3: buckets with their region, objects by key. Only what packaging
 * needs (HeadBucket, HeadObject, PutObject) and what CloudFormation reads (TemplateURL).
 *
 * An object keeps its size and SHA-256 always, and its text only when it may be a template (valid
 * UTF-8 of at most 1 MB, the TemplateURL limit): zips and other binaries are never read back by
 * anything the simulator does, and their bytes would bloat the saved state file.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../aws/errors.js';

/** CloudFormation's limit for a template read from S3 (CLOUDFORMATION.md §5). */
export const MAX_TEMPLATE_URL_BYTES = 1_048_576;

export interface SimS3Object {
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  contentType?: string;
  /** The bytes as text, for objects that may be templates; absent for binaries. */
  text?: string;
}

export interface SimBucket {
  region: string;
  objects: Map<string, SimS3Object>;
}

/** One S3 call the simulator answered: S3 is not rate-limited with CloudFormation, so it has its own log. */
export interface SimS3Call {
  at: number;
  operation: 'HeadBucket' | 'HeadObject' | 'PutObject';
  bucket: string;
  key?: string;
  /** PutObject: bytes uploaded. */
  bytes?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(body: Uint8Array): string | undefined {
  if (body.byteLength > MAX_TEMPLATE_URL_BYTES) return undefined;
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

export class SimS3 {
  readonly buckets = new Map<string, SimBucket>();
  /** This run's calls (not saved with the state). */
  readonly calls: SimS3Call[] = [];

  createBucket(name: string, region: string): void {
    const bucket = this.buckets.get(name);
    if (bucket) bucket.region = region;
    else this.buckets.set(name, { region, objects: new Map() });
  }

  /** HeadBucket and HeadObject: what the sdk-s3 adapter makes of S3's bare 404 (src/aws/sdk-s3.ts). */
  bucket(operation: string, name: string): SimBucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError(operation, 'NoSuchBucket', `The specified bucket does not exist: ${name}`, 404);
    return bucket;
  }

  put(bucketName: string, key: string, body: Uint8Array, contentType?: string): void {
    const bucket = this.buckets.get(bucketName);
    // PutObject has a body, so S3's own code and message come through (not HeadBucket's bare 404).
    if (!bucket) throw new AwsError('PutObject', 'NoSuchBucket', 'The specified bucket does not exist', 404);
    const text = textOf(body);
    bucket.objects.set(key, {
      size: body.byteLength,
      sha256: createHash('sha256').update(body).digest('hex'),
      ...(contentType === undefined ? {} : { contentType }),
      ...(text === undefined ? {} : { text }),
    });
  }

  object(bucketName: string, key: string): SimS3Object | undefined {
    return this.buckets.get(bucketName)?.objects.get(key);
  }
}

export interface S3Location {
  bucket: string;
  key: string;
  /** From the host; absent for the global `s3.amazonaws.com` host. */
  region?: string;
}

/**
 * The S3 URL forms CloudFormation takes as TemplateURL: virtual-hosted
 * `https://<bucket>.s3.<region>.amazonaws.com/<key>` (and the legacy `<bucket>.s3.amazonaws.com`,
 * `<bucket>.s3-<region>.amazonaws.com`), and path style `https://s3.<region>.amazonaws.com/<bucket>/<key>`
 * (and `s3.amazonaws.com`, `s3-<region>.amazonaws.com`). Anything else is undefined.
 */
export function parseS3Url(url: string): S3Location | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname;
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const regionOf = (label: string | undefined): string | undefined =>
    label === undefined || label === '' ? undefined : label;
  // Path style: the host starts with the S3 endpoint itself.
  const pathStyle = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (pathStyle) {
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) return undefined;
    return { bucket: path.slice(0, slash), key: path.slice(slash + 1), ...optionalRegion(regionOf(pathStyle[1])) };
  }
  const virtual = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (virtual?.[1] === undefined || path === '') return undefined;
  return { bucket: virtual[1], key: path, ...optionalRegion(regionOf(virtual[2])) };
}

function optionalRegion(region: string | undefined): { region?: string } {
  return region === undefined ? {} : { region };
}
