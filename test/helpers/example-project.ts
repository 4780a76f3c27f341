import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { REPO_ROOT } from './run-cli.js';

const copies: string[] = [];
afterAll(async () => {
  for (const dir of copies.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * A copy of the repo's example system (config + templates) in a temp folder, free to edit.
 * Usable in `beforeAll` (unlike testdir); removed after the file's tests.
 */
export async function copyExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stackpilot-example-'));
  copies.push(dir);
  await cp(join(REPO_ROOT, 'stacks.config.ts'), join(dir, 'stacks.config.ts'));
  await cp(join(REPO_ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  // app's functions and shared layer: local folders the templates name, packaged by stackpilot.
  await cp(join(REPO_ROOT, 'functions'), join(dir, 'functions'), { recursive: true });
  await cp(join(REPO_ROOT, 'layers'), join(dir, 'layers'), { recursive: true });
  return dir;
}

const S3_HEADERS = {
  Authorization:
    'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
};

/**
 * Creates a bucket in moto's S3 (the example's artifacts bucket must exist, as in a real
 * account): one raw request; moto routes it to S3 by the credential scope of the Authorization
 * header and does not check the signature.
 */
export async function createS3Bucket(endpoint: string, bucket: string): Promise<void> {
  const response = await fetch(`${endpoint}/${bucket}`, { method: 'PUT', headers: S3_HEADERS });
  if (!response.ok && response.status !== 409)
    throw new Error(`moto S3 create bucket ${bucket}: HTTP ${response.status} ${await response.text()}`);
}

/** Puts an object into moto's S3, creating the bucket if needed. */
export async function putS3Object(endpoint: string, bucket: string, key: string, body: string): Promise<void> {
  const headers = S3_HEADERS;
  await createS3Bucket(endpoint, bucket);
  const objectResponse = await fetch(`${endpoint}/${bucket}/${key}`, { method: 'PUT', headers, body });
  if (!objectResponse.ok)
    throw new Error(`moto S3 put ${bucket}/${key}: HTTP ${objectResponse.status} ${await objectResponse.text()}`);
}
