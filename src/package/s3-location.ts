import { createHash } from 'node:crypto';

/** The canonical virtual-hosted URL CloudFormation reads a nested template from (us-east-1 too). */
export function templateUrl(bucket: string, region: string, key: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com/${key}`;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * `<prefix>/<hash>.<extension>`: content-addressed, so an unchanged artifact keeps its key (no
 * change in the change set, no upload). The prefix may come with or without slashes around it.
 */
export function artifactKey(prefix: string | undefined, hash: string, extension: 'zip' | 'template'): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? `${hash}.${extension}` : `${trimmed}/${hash}.${extension}`;
}
