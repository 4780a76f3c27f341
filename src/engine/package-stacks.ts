import { dirname } from 'node:path';
import PQueue from 'p-queue';
import { AwsError, NoAnswerError } from '../aws/errors.js';
import type { S3Port } from '../aws/ports.js';
import { displayPath } from '../config/resolve-config.js';
import { ConfigError, ValidationError } from '../errors.js';
import type { Problem } from '../errors.js';
import type { Project } from '../graph/load-project.js';
import {
  artifactKey,
  findArtifacts,
  packageTemplate,
  sha256Hex,
  TEMPLATE_URL_LIMIT,
  templateUrl,
} from '../package/index.js';
import type { ArtifactRef, ArtifactStat, ArtifactStore, PackagedNestedTemplate } from '../package/index.js';
import { parseTemplate } from '../template/parse-template.js';
import { DeployError } from './deploy-errors.js';

/** CloudFormation's limit on TemplateBody (§ quotas); a larger template goes by TemplateURL. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Uploads at once: S3 takes thousands of PUTs a second per prefix; the link is the limit. */
const UPLOAD_CONCURRENCY = 8;

const OVER_S3_LIMIT = `over CloudFormation's limit of ${TEMPLATE_URL_LIMIT.toLocaleString('en-US')} bytes (1 MB) for a template in S3`;

/** What a stack deploys once packaged: its template text, and where CloudFormation reads it when too large to send. */
export interface PackagedTemplate {
  body: string;
  templateUrl: string | undefined;
}

/** What packaging did for one stack, for the UI (`stack:packaged`). */
export interface PackagingStats {
  artifacts: number;
  files: number;
  /**
   * Bytes this run had in hand: the zips it made, `.zip`/`.jar` files and packaged templates (and
   * the template when sent by URL). A zip already in the bucket under its source hash is never
   * made, so it counts 0: its size is not known without zipping.
   */
  bytes: number;
  uploaded: number;
  uploadedBytes: number;
  /** Already in the bucket under the same content hash: not uploaded again. */
  reused: number;
  /** The template itself went to S3 (over 51,200 bytes). */
  templateByUrl: boolean;
  durationMs: number;
}

export interface StackPackaging {
  /** Resolves when every artifact of the stack is in the bucket: its change set may then be made. */
  ready: Promise<PackagedTemplate>;
  stats: Promise<PackagingStats>;
  artifacts: readonly ArtifactStat[];
  /** Packaged nested templates (uploaded; their URLs are in the parent). */
  nested: readonly PackagedNestedTemplate[];
}

export interface Packaging {
  /** Undefined for a stack with nothing to package (its template deploys as written). */
  of(id: string): StackPackaging | undefined;
  /** Every upload finished (or failed). */
  settled(): Promise<void>;
}

interface Upload {
  key: string;
  body: Uint8Array;
  contentType: string;
  done?: Promise<void>;
}

/**
 * Packages the selected stacks' local code and nested templates (issue 7). Before it returns,
 * everything a user can get wrong is checked, so no stack is touched when something is: local
 * paths (exist, not empty, within Lambda's limits), the config's `artifacts` bucket (exists, can
 * be read), and, when something must be uploaded, that it can be written (the smallest upload
 * goes first, awaited). The other uploads go on in the background while upstream stacks deploy;
 * a stack's change set waits for its own (`ready`).
 */
export async function packageStacks(options: {
  project: Project;
  stacks: readonly string[];
  s3: S3Port;
  clock?: { now(): number };
}): Promise<Packaging> {
  const { project } = options;
  const now = (): number => options.clock?.now() ?? Date.now();
  const started = now();
  const config = project.config;
  const selected = project.orderings.order.filter((id) => options.stacks.includes(id));
  const localPaths = new Map(selected.map((id) => [id, localPathsOf(project, id)]));
  const needs = selected.filter(
    (id) =>
      (localPaths.get(id)?.length ?? 0) > 0 ||
      Buffer.byteLength(project.templates.get(id)?.body ?? '') > TEMPLATE_BODY_LIMIT,
  );
  if (needs.length === 0) return { of: () => undefined, settled: () => Promise.resolve() };

  const artifacts = config.artifacts;
  if (!artifacts) {
    const problems: Problem[] = needs.map((id) => {
      const first = localPaths.get(id)?.[0];
      return {
        stack: id,
        path: `stacks.${id}.template`,
        ...(first ? { location: first.location } : {}),
        message: first
          ? `${first.logicalId}.${first.property} is a local path (${first.value}), and no artifacts bucket is configured`
          : tooLargeForS3(project, id)
            ? `the template is ${tooLargeForS3(project, id)} bytes, ${OVER_S3_LIMIT}`
            : `the template is over ${TEMPLATE_BODY_LIMIT} bytes, so it must go through S3, and no artifacts bucket is configured`,
        hint: tooLargeForS3(project, id)
          ? 'split it into nested stacks (AWS::CloudFormation::Stack with a local TemplateURL) or into more stacks'
          : "add `artifacts: { bucket: '<an existing S3 bucket>' }` to the config (optionally per stage)",
      };
    });
    throw new ValidationError(
      'NO_ARTIFACTS_BUCKET',
      `${needs.length} ${needs.length === 1 ? 'stack needs' : 'stacks need'} packaging to S3:`,
      problems,
    );
  }

  const bucketRegion = await options.s3.bucketRegion(artifacts.bucket).catch((error: unknown) => {
    throw bucketError(artifacts.bucket, error, displayPath(config.configFile, process.cwd()));
  });
  const region = bucketRegion ?? config.region ?? 'us-east-1';
  const uploads = new Map<string, Upload>();
  /**
   * Content-addressed: a key already in the bucket is never uploaded again. Puts are collected
   * (once per key across stacks) and made after every check has passed; each stack remembers
   * the keys it needs, also those another stack queued first.
   */
  /** The stack that queued each upload: it counts as that stack's upload, a reuse for the others. */
  const owner = new Map<string, string>();
  const storeFor = (id: string, needed: Set<string>): ArtifactStore => ({
    exists: async (key) => {
      // Queued by another stack in this run: not zipped or queued again; this stack waits for it.
      if (uploads.has(key)) {
        needed.add(key);
        return true;
      }
      return options.s3.objectExists(artifacts.bucket, key);
    },
    put: (key, body, contentType) => {
      needed.add(key);
      if (!uploads.has(key)) {
        uploads.set(key, { key, body, contentType });
        owner.set(key, id);
      }
      return Promise.resolve();
    },
  });

  const packaged = new Map<
    string,
    {
      body: string;
      templateUrl: string | undefined;
      artifacts: ArtifactStat[];
      nested: PackagedNestedTemplate[];
      keys: string[];
    }
  >();
  const problems: Problem[] = [];
  for (const id of needs) {
    const template = project.templates.get(id);
    const stack = config.stacks.find((s) => s.id === id);
    if (!template || !stack) continue;
    const needed = new Set<string>();
    const store = storeFor(id, needed);
    try {
      const result = await packageTemplate({
        templateFile: stack.templatePath,
        templateText: template.body,
        bucket: artifacts.bucket,
        prefix: artifacts.prefix,
        region,
        store,
      });
      // Checked on the text as it will be sent, before anything of any stack is uploaded.
      const bytes = Buffer.byteLength(result.body);
      if (bytes > TEMPLATE_URL_LIMIT) {
        const oncePackaged = result.body === template.body ? '' : ' once packaged';
        problems.push({
          stack: id,
          path: `stacks.${id}.template`,
          location: { file: stack.templateDisplay },
          message: `the template is ${bytes.toLocaleString('en-US')} bytes${oncePackaged}, ${OVER_S3_LIMIT}`,
          hint: 'split it into nested stacks (AWS::CloudFormation::Stack with a local TemplateURL) or into more stacks',
        });
        continue;
      }
      let url: string | undefined;
      if (bytes > TEMPLATE_BODY_LIMIT) {
        const key = artifactKey(artifacts.prefix, sha256Hex(result.body), 'template');
        if (!(await store.exists(key))) await store.put(key, Buffer.from(result.body), 'text/plain; charset=utf-8');
        url = templateUrl(artifacts.bucket, region, key);
      }
      const keys = [...needed];
      packaged.set(id, {
        body: result.body,
        templateUrl: url,
        artifacts: result.artifacts,
        nested: result.nested,
        keys,
      });
    } catch (error) {
      if (error instanceof ValidationError)
        problems.push(...error.problems.map((p) => ({ ...p, stack: p.stack ?? id })));
      else throw error;
    }
  }
  if (problems.length > 0)
    throw new ValidationError(
      'PACKAGING',
      `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} with local code and templates:`,
      problems,
    );

  const queue = new PQueue({ concurrency: UPLOAD_CONCURRENCY });
  const upload = (u: Upload): Promise<void> =>
    (u.done ??= queue.add(() =>
      options.s3.putObject({ bucket: artifacts.bucket, key: u.key, body: u.body, contentType: u.contentType }),
    ));
  // The write check: the smallest upload first, before any stack is touched.
  const smallest = [...uploads.values()].sort((a, b) => a.body.byteLength - b.body.byteLength)[0];
  if (smallest) {
    await upload(smallest).catch((error: unknown) => {
      throw bucketError(artifacts.bucket, error, displayPath(config.configFile, process.cwd()), 'write');
    });
  }
  for (const u of uploads.values()) void upload(u).catch(() => undefined);

  const perStack = new Map<string, StackPackaging>();
  for (const [id, p] of packaged) {
    const mine = p.keys.map((k) => uploads.get(k)).filter((u): u is Upload => u !== undefined);
    const all = Promise.all(mine.map(upload)).catch((error: unknown) => {
      throw new DeployError(
        'UPLOAD_FAILED',
        `could not upload ${id}'s artifacts to s3://${artifacts.bucket}: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'check the network and your s3:PutObject permission on the bucket, then deploy again (uploaded artifacts are reused)',
        },
      );
    });
    const ownUploads = mine.filter((u) => owner.get(u.key) === id);
    const stats = all.then((): PackagingStats => ({
      artifacts: p.artifacts.length,
      files: p.artifacts.reduce((n, a) => n + a.files, 0),
      bytes: p.artifacts.reduce((n, a) => n + a.bytes, 0) + (p.templateUrl ? Buffer.byteLength(p.body) : 0),
      uploaded: ownUploads.length,
      uploadedBytes: ownUploads.reduce((n, u) => n + u.body.byteLength, 0),
      reused: p.artifacts.length + (p.templateUrl ? 1 : 0) - ownUploads.length,
      templateByUrl: p.templateUrl !== undefined,
      durationMs: now() - started,
    }));
    perStack.set(id, {
      ready: all.then(() => ({ body: p.body, templateUrl: p.templateUrl })),
      stats,
      artifacts: p.artifacts,
      nested: p.nested,
    });
  }
  // Nobody may be left with an unobserved rejection; each stack reports its own failure.
  for (const s of perStack.values()) {
    s.ready.catch(() => undefined);
    s.stats.catch(() => undefined);
  }
  return {
    of: (id) => perStack.get(id),
    settled: async () => {
      await Promise.allSettled([...uploads.values()].map(upload));
    },
  };
}

/** The template's size in bytes, formatted, when it is over the limit for S3 even before packaging. */
function tooLargeForS3(project: Project, id: string): string | undefined {
  const bytes = Buffer.byteLength(project.templates.get(id)?.body ?? '');
  return bytes > TEMPLATE_URL_LIMIT ? bytes.toLocaleString('en-US') : undefined;
}

/** The local paths a stack's template names (not those of its nested templates: enough to know it needs packaging). */
function localPathsOf(project: Project, id: string): ArtifactRef[] {
  const template = project.templates.get(id);
  const stack = project.config.stacks.find((s) => s.id === id);
  if (!template || !stack) return [];
  return findArtifacts(parseTemplate(template.body, template.file), dirname(stack.templatePath)).refs;
}

/** The bucket cannot be used: said before any stack is touched, with what to do. */
function bucketError(bucket: string, error: unknown, configFile: string, action: 'read' | 'write' = 'read'): Error {
  if (!(error instanceof AwsError)) return error instanceof Error ? error : new Error(String(error));
  // A silent endpoint says nothing about the bucket: its own error names the endpoint.
  if (error instanceof NoAnswerError) return error;
  const missing = error.awsCode === 'NoSuchBucket' || error.awsCode === 'NotFound' || error.httpStatus === 404;
  const denied = error.awsCode === 'AccessDenied' || error.awsCode === 'Forbidden' || error.httpStatus === 403;
  const what = missing
    ? `the artifacts bucket ${bucket} does not exist`
    : denied
      ? `the artifacts bucket ${bucket} cannot be ${action === 'write' ? 'written' : 'read'} with these credentials (${error.awsCode})`
      : `the artifacts bucket ${bucket} could not be ${action === 'write' ? 'written' : 'checked'}: ${error.message}`;
  return new ConfigError(
    what,
    { file: configFile },
    {
      hint: missing
        ? `create it (aws s3 mb s3://${bucket}) or set artifacts.bucket in ${configFile} to a bucket that exists; nothing was deployed`
        : denied
          ? `grant s3:ListBucket, s3:GetObject and s3:PutObject on ${bucket}, or use another bucket; nothing was deployed`
          : 'check your AWS credentials, region and network, then run again; nothing was deployed',
    },
  );
}

/**
 * The templates as `deploy` would send them, without uploading anything: zipped and hashed
 * locally, so the keys are the ones a deploy makes (for `validate --against-deployed`, which only
 * reads). Stacks with nothing to package are left out.
 */
export async function previewPackagedTemplates(options: {
  project: Project;
  stacks: readonly string[];
  s3: S3Port;
}): Promise<Map<string, string>> {
  const { project } = options;
  const artifacts = project.config.artifacts;
  const bodies = new Map<string, string>();
  if (!artifacts) return bodies;
  const selected = project.orderings.order.filter(
    (id) => options.stacks.includes(id) && localPathsOf(project, id).length > 0,
  );
  if (selected.length === 0) return bodies;
  // The region only shapes nested templates' URLs; reading it is a read like any other here.
  const region =
    (await options.s3.bucketRegion(artifacts.bucket).catch(() => undefined)) ?? project.config.region ?? 'us-east-1';
  const store: ArtifactStore = {
    exists: () => Promise.resolve(true),
    put: () => Promise.reject(new Error('a preview uploads nothing')),
  };
  for (const id of selected) {
    const stack = project.config.stacks.find((s) => s.id === id);
    const template = project.templates.get(id);
    if (!stack || !template) continue;
    const result = await packageTemplate({
      templateFile: stack.templatePath,
      templateText: template.body,
      bucket: artifacts.bucket,
      prefix: artifacts.prefix,
      region,
      store,
    });
    bodies.set(id, result.body);
  }
  return bodies;
}
