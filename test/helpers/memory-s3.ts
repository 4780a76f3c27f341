/**
 * An in-memory S3Port for tests: buckets with a region, objects with their bytes, and a log of
 * every call. Errors have the codes the SDK adapter (src/aws/sdk-s3.ts) gives: `NoSuchBucket` 404
 * from HeadBucket and PutObject, HeadObject false for a missing object (or bucket, as S3's bare
 * 404 cannot tell them apart). Scriptable failures for the bad-bucket paths.
 */
import { AwsError } from '../../src/aws/errors.js';
import type { S3Port } from '../../src/aws/ports.js';

export interface MemoryS3Call {
  operation: 'HeadBucket' | 'HeadObject' | 'PutObject';
  bucket: string;
  key?: string;
  /** PutObject: bytes uploaded. */
  bytes?: number;
}

export interface MemoryS3Object {
  body: Uint8Array;
  contentType: string | undefined;
}

export class MemoryS3 implements S3Port {
  readonly calls: MemoryS3Call[] = [];
  private readonly buckets = new Map<string, { region: string; objects: Map<string, MemoryS3Object> }>();
  /** Buckets every call on which is refused (`denyBucket`). */
  private readonly denied = new Set<string>();
  /** Buckets that may be read but not written (`denyWrites`). */
  private readonly readOnly = new Set<string>();
  /** While set, PutObject calls wait for it (`holdPuts`). */
  private hold: Promise<void> | undefined;

  constructor(buckets: Record<string, { region: string }> = {}) {
    for (const [name, { region }] of Object.entries(buckets)) this.createBucket(name, region);
  }

  createBucket(name: string, region = 'us-east-1'): this {
    if (!this.buckets.has(name)) this.buckets.set(name, { region, objects: new Map() });
    return this;
  }

  /** From now on every call on the bucket fails with S3's 403, as for a bucket of another account. */
  denyBucket(name: string): this {
    this.denied.add(name);
    return this;
  }

  /** From now on PutObject on the bucket fails with S3's 403; HeadBucket and HeadObject still answer (a read-only role). */
  denyWrites(name: string): this {
    this.readOnly.add(name);
    return this;
  }

  /**
   * From now on PutObject calls are logged but do not finish until the returned function is
   * called (slow uploads, to see who waits for them).
   */
  holdPuts(): () => void {
    let release = (): void => undefined;
    this.hold = new Promise<void>((resolve) => {
      release = () => {
        this.hold = undefined;
        resolve();
      };
    });
    return release;
  }

  /** Setup without a logged call. */
  seedObject(bucket: string, key: string, body: Uint8Array | string, contentType?: string): this {
    this.createBucket(bucket);
    this.buckets
      .get(bucket)
      ?.objects.set(key, { body: typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType });
    return this;
  }

  object(bucket: string, key: string): MemoryS3Object | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  /** The object as UTF-8 text (a template), or undefined. */
  text(bucket: string, key: string): string | undefined {
    const object = this.object(bucket, key);
    return object && new TextDecoder().decode(object.body);
  }

  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.objects.keys() ?? [])].sort();
  }

  callsOf(operation: MemoryS3Call['operation']): MemoryS3Call[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Bytes PutObject received, all calls together. */
  get uploadedBytes(): number {
    return this.callsOf('PutObject').reduce((sum, c) => sum + (c.bytes ?? 0), 0);
  }

  bucketRegion(bucket: string): Promise<string | undefined> {
    this.calls.push({ operation: 'HeadBucket', bucket });
    return this.answer('HeadBucket', bucket, () => this.bucket('HeadBucket', bucket).region);
  }

  objectExists(bucket: string, key: string): Promise<boolean> {
    this.calls.push({ operation: 'HeadObject', bucket, key });
    return this.answer('HeadObject', bucket, () => this.buckets.get(bucket)?.objects.has(key) ?? false);
  }

  putObject(input: { bucket: string; key: string; body: Uint8Array; contentType?: string }): Promise<void> {
    this.calls.push({ operation: 'PutObject', bucket: input.bucket, key: input.key, bytes: input.body.byteLength });
    const hold = this.hold;
    const answer = (): Promise<void> =>
      this.answer('PutObject', input.bucket, () => {
        if (this.readOnly.has(input.bucket)) throw new AwsError('PutObject', 'AccessDenied', 'Access Denied', 403);
        // The SDK reads the body's bytes when it sends; a copy keeps later edits of the caller's buffer out.
        this.bucket('PutObject', input.bucket).objects.set(input.key, {
          body: new Uint8Array(input.body),
          contentType: input.contentType,
        });
      });
    return hold ? hold.then(answer) : answer();
  }

  private bucket(operation: string, name: string): { region: string; objects: Map<string, MemoryS3Object> } {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError(operation, 'NoSuchBucket', `The specified bucket does not exist: ${name}`, 404);
    return bucket;
  }

  /** Async like the SDK: a throw becomes a rejection. */
  private async answer<T>(operation: string, bucket: string, run: () => T): Promise<T> {
    await Promise.resolve();
    if (this.denied.has(bucket))
      throw new AwsError(
        operation,
        'AccessDenied',
        `Access Denied to bucket ${bucket}: these credentials may not use it`,
        403,
      );
    return run();
  }
}
