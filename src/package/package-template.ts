import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import PQueue from 'p-queue';
import { TemplateError, ValidationError } from '../errors.js';
import { duringIo } from '../io-in-flight.js';
import type { Problem } from '../errors.js';
import { parseTemplate } from '../template/parse-template.js';
import { artifactProblem, findArtifacts, LAMBDA_UNZIPPED_LIMIT } from './find-artifacts.js';
import type { ArtifactRef } from './find-artifacts.js';
import { rewriteTemplate } from './rewrite-template.js';
import type { Replacement } from './rewrite-template.js';
import { artifactKey, s3Uri, sha256Hex, templateUrl } from './s3-location.js';
import { folderManifest, zipManifest, ZipInputError } from './zip-folder.js';
import type { FolderManifest } from './zip-folder.js';

/** Where artifacts go; an S3Port adapter in production, a Map in tests. */
export interface ArtifactStore {
  exists(key: string): Promise<boolean>;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

export interface PackageInput {
  /** Path of the template; local paths in it are relative to its folder. */
  templateFile: string;
  templateText: string;
  bucket: string;
  /** Key prefix, with or without slashes around it. */
  prefix?: string;
  /** The bucket's region, for nested template URLs. */
  region: string;
  store: ArtifactStore;
  /** Uploads (and existence checks) at once. @default 8 */
  limit?: number;
}

/** One artifact built for a template property; for the UI and the run summary. */
export interface ArtifactStat {
  /** The template that names the artifact (relative to the working directory when inside it). */
  template: string;
  logicalId: string;
  resourceType: string;
  property: string;
  /** The local path as written in the template. */
  path: string;
  /**
   * `zip`: a folder or file, zipped here when the store lacks it; `file`: a .zip/.jar uploaded as it is;
   * `template`: a packaged nested template.
   */
  kind: 'zip' | 'file' | 'template';
  key: string;
  /**
   * The hash in the key. For a `zip`, sha256 hex of its sources (FolderManifest.hash: paths,
   * modes, sizes and contents), so an unchanged folder is found in the store without zipping it;
   * for a `file` or a `template`, sha256 hex of the uploaded bytes.
   */
  hash: string;
  files: number;
  /**
   * Size of the object when this run had it in hand: always for a `file` or a `template`; for a
   * `zip` only when this run zipped it (`zipped`), else 0: it was already in the bucket, and its
   * size is not known without zipping.
   */
  bytes: number;
  unzippedBytes: number;
  /** A `zip` this run compressed (it was missing from the store); false for one found there. */
  zipped: boolean;
  /** Put into the store by this run. */
  uploaded: boolean;
  /** Already in the store (or put earlier in this run for another property): not uploaded. */
  reused: boolean;
  /** Files left out of the zip on purpose (`.DS_Store`, `__pycache__/`). */
  skipped: string[];
}

export interface PackagedNestedTemplate {
  /** Display path of the nested template file. */
  template: string;
  key: string;
  url: string;
  /** The packaged text, as uploaded. */
  body: string;
}

export interface PackageResult {
  /** The packaged root template text. */
  body: string;
  /** Every artifact of the root and its nested templates, depth first in template order. */
  artifacts: ArtifactStat[];
  nested: PackagedNestedTemplate[];
}

/** CloudFormation's limit for a template read from S3 ("1 MB", § quotas; the simulator's message says 1048576 bytes). */
export const TEMPLATE_URL_LIMIT = 1_048_576;
const DEFAULT_LIMIT = 8;

interface Upload {
  key: string;
  /** Made only when the store lacks the key: zipping is the expensive part. */
  body: () => Promise<Uint8Array>;
  contentType: string;
  stats: ArtifactStat[];
  /** Set for a zip, whose body is made from the folder: where a failure to zip is reported. */
  ref?: ArtifactRef;
}

/**
 * Hashes every local artifact of a template and its nested templates (a folder by its sources,
 * see folderManifest), rewrites their paths to content-hash S3 locations, then zips and uploads
 * only what the store lacks. All problems of the whole tree are collected first and thrown as one
 * ValidationError, before anything is uploaded (but a file changed between its hash and its zip).
 */
export async function packageTemplate(input: PackageInput): Promise<PackageResult> {
  const packager = new Packager(input);
  const rootFile = resolve(input.templateFile);
  const body = await packager.buildTemplate(rootFile, input.templateText, [rootFile]);
  if (body === undefined || packager.problems.length > 0) throw packagingFailed(rootFile, packager.problems);
  await packager.upload(input.limit ?? DEFAULT_LIMIT);
  // Only a folder that changed between its hash and its zip gets here; the rest is in the store.
  if (packager.problems.length > 0) throw packagingFailed(rootFile, packager.problems);
  return { body, artifacts: packager.artifacts, nested: [...packager.nested.values()] };
}

class Packager {
  readonly problems: Problem[] = [];
  readonly artifacts: ArtifactStat[] = [];
  readonly nested = new Map<string, PackagedNestedTemplate>();
  private readonly uploads = new Map<string, Upload>();
  private readonly manifests = new Map<string, Promise<FolderManifest | ZipInputError>>();

  constructor(private readonly input: PackageInput) {}

  /** Returns the packaged text, or undefined when the template itself could not be read. */
  async buildTemplate(file: string, text: string, chain: readonly string[]): Promise<string | undefined> {
    const template = parseTemplate(text, displayPath(file));
    const { refs, problems } = findArtifacts(template, dirname(file));
    this.problems.push(...problems);
    const replacements: Replacement[] = [];
    for (const ref of refs) {
      const location =
        ref.kind === 'zip'
          ? await this.buildZip(template.file, ref)
          : await this.buildNested(template.file, ref, chain);
      if (location !== undefined) replacements.push({ path: ref.path, value: location });
    }
    return rewriteTemplate(text, replacements);
  }

  private async buildZip(templateName: string, ref: ArtifactRef): Promise<Replacement['value'] | undefined> {
    const info = await stat(ref.absolutePath).catch(() => undefined);
    if (!info) {
      this.problems.push(
        artifactProblem(
          ref,
          `does not exist (looked for ${ref.absolutePath})`,
          'paths are relative to the folder of the template that names them',
        ),
      );
      return undefined;
    }
    const prebuilt = info.isFile() && /\.(zip|jar)$/i.test(ref.absolutePath);
    const result = prebuilt ? await readPrebuiltZip(ref.absolutePath) : await this.manifest(ref.absolutePath);
    if (result instanceof ZipInputError) {
      this.problems.push(zipProblem(ref, result));
      return undefined;
    }
    if (result.unzippedBytes > LAMBDA_UNZIPPED_LIMIT) {
      this.problems.push(
        artifactProblem(
          ref,
          `holds ${result.unzippedBytes.toLocaleString('en-US')} bytes unzipped, ` +
            `over Lambda's limit of ${LAMBDA_UNZIPPED_LIMIT.toLocaleString('en-US')} (250 MB) for a function or a layer`,
          'move large dependencies into a layer, or use a container image',
        ),
      );
      return undefined;
    }
    const key = artifactKey(this.input.prefix, result.hash, 'zip');
    const artifact: ArtifactStat = {
      template: templateName,
      logicalId: ref.logicalId,
      resourceType: ref.resourceType,
      property: ref.property,
      path: ref.value,
      kind: prebuilt ? 'file' : 'zip',
      key,
      hash: result.hash,
      files: result.files,
      bytes: 0,
      unzippedBytes: result.unzippedBytes,
      zipped: false,
      uploaded: false,
      reused: false,
      skipped: result.skipped,
    };
    if ('bytes' in result) {
      const { bytes } = result;
      artifact.bytes = bytes.length;
      this.record(key, () => Promise.resolve(bytes), 'application/zip', artifact);
    } else {
      // Zipped only if the store lacks the key: an unchanged folder costs a walk and a hash.
      this.record(key, async () => (await zipManifest(result)).bytes, 'application/zip', artifact, ref);
    }
    return ref.shape === 'bucket-key' ? { S3Bucket: this.input.bucket, S3Key: key } : s3Uri(this.input.bucket, key);
  }

  private async buildNested(
    templateName: string,
    ref: ArtifactRef,
    chain: readonly string[],
  ): Promise<string | undefined> {
    const info = await stat(ref.absolutePath).catch(() => undefined);
    if (!info) {
      this.problems.push(
        artifactProblem(
          ref,
          `does not exist (looked for ${ref.absolutePath})`,
          'paths are relative to the folder of the template that names them',
        ),
      );
      return undefined;
    }
    if (!info.isFile()) {
      this.problems.push(
        artifactProblem(
          ref,
          'is not a file: TemplateURL needs a template file',
          'point it at the nested template (.yaml, .yml, .json)',
        ),
      );
      return undefined;
    }
    const file = await realpath(ref.absolutePath);
    if (chain.includes(file)) {
      const cycle = [...chain.slice(chain.indexOf(file)), file].map(displayPath).join(' → ');
      this.problems.push(
        artifactProblem(
          ref,
          `makes nested templates include each other: ${cycle}`,
          'a nested stack cannot contain its own template; remove one TemplateURL of the cycle',
        ),
      );
      return undefined;
    }
    let body = this.nested.get(file)?.body;
    if (body === undefined) {
      try {
        body = await this.buildTemplate(file, await duringIo(readFile(file, 'utf8')), [...chain, file]);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        this.problems.push({
          message: `nested template of ${ref.logicalId} in ${templateName}: ${error.detail}`,
          location: error.location,
          path: ref.path.join('.'),
        });
        return undefined;
      }
      if (body === undefined) return undefined;
    }
    const bytes = new TextEncoder().encode(body);
    if (bytes.length > TEMPLATE_URL_LIMIT) {
      this.problems.push(
        artifactProblem(
          ref,
          `is ${bytes.length.toLocaleString('en-US')} bytes once packaged, ` +
            `over CloudFormation's limit of ${TEMPLATE_URL_LIMIT.toLocaleString('en-US')} for a template in S3`,
          'split it into more nested stacks',
        ),
      );
      return undefined;
    }
    const hash = sha256Hex(bytes);
    const key = artifactKey(this.input.prefix, hash, 'template');
    const url = templateUrl(this.input.bucket, this.input.region, key);
    if (!this.nested.has(file)) this.nested.set(file, { template: displayPath(file), key, url, body });
    const contentType = extname(file).toLowerCase() === '.json' ? 'application/json' : 'application/yaml';
    this.record(key, () => Promise.resolve(bytes), contentType, {
      template: templateName,
      logicalId: ref.logicalId,
      resourceType: ref.resourceType,
      property: ref.property,
      path: ref.value,
      kind: 'template',
      key,
      hash,
      files: 1,
      bytes: bytes.length,
      unzippedBytes: bytes.length,
      zipped: false,
      uploaded: false,
      reused: false,
      skipped: [],
    });
    return url;
  }

  /** One walk per folder, however many properties name it. */
  private manifest(path: string): Promise<FolderManifest | ZipInputError> {
    let pending = this.manifests.get(path);
    if (!pending) {
      pending = folderManifest(path, { maxUnzippedBytes: LAMBDA_UNZIPPED_LIMIT }).catch((error: unknown) => {
        if (error instanceof ZipInputError) return error;
        throw error;
      });
      this.manifests.set(path, pending);
    }
    return pending;
  }

  private record(
    key: string,
    body: Upload['body'],
    contentType: string,
    artifact: ArtifactStat,
    ref?: ArtifactRef,
  ): void {
    this.artifacts.push(artifact);
    const upload = this.uploads.get(key);
    if (upload) upload.stats.push(artifact);
    else this.uploads.set(key, { key, body, contentType, stats: [artifact], ...(ref ? { ref } : {}) });
  }

  /**
   * Each key once: checked, then made (zipped) and put only when missing. A zip can still fail
   * here (a file changed since it was hashed): that is a problem like the others, reported after
   * the other uploads have settled.
   */
  async upload(limit: number): Promise<void> {
    const queue = new PQueue({ concurrency: Math.max(1, limit) });
    await Promise.all(
      [...this.uploads.values()].map((upload) =>
        queue.add(async () => {
          const exists = await this.input.store.exists(upload.key);
          if (!exists) {
            let body: Uint8Array;
            try {
              body = await upload.body();
            } catch (error) {
              if (!(error instanceof ZipInputError) || !upload.ref) throw error;
              this.problems.push(zipProblem(upload.ref, error));
              return;
            }
            await this.input.store.put(upload.key, body, upload.contentType);
            for (const artifact of upload.stats) {
              if (artifact.kind !== 'zip') continue;
              artifact.zipped = true;
              artifact.bytes = body.length;
            }
          }
          upload.stats.forEach((artifact, index) => {
            artifact.uploaded = !exists && index === 0;
            artifact.reused = !artifact.uploaded;
          });
        }),
      ),
    );
  }
}

function packagingFailed(rootFile: string, problems: Problem[]): ValidationError {
  const count = problems.length;
  return new ValidationError(
    'PACKAGE',
    `Cannot package ${displayPath(rootFile)}: ${count} problem${count === 1 ? '' : 's'} with local artifacts.`,
    problems,
  );
}

function zipProblem(ref: ArtifactRef, error: ZipInputError): Problem {
  const hint =
    error.reason === 'too-large' ? 'move large dependencies into a layer, or use a container image' : error.hint;
  return artifactProblem(ref, zipProblemMessage(error), hint);
}

function zipProblemMessage(error: ZipInputError): string {
  switch (error.reason) {
    case 'empty':
      return 'is an empty folder: there is nothing to deploy';
    case 'too-large':
      return `is over Lambda's unzipped limit (250 MB) for a function or a layer: ${error.message}`;
    case 'not-found':
      return 'does not exist';
    default:
      return `cannot be zipped: ${error.message}`;
  }
}

interface PrebuiltZip {
  bytes: Uint8Array;
  /** Of the bytes: hashing a file is cheap, and its sources are unknown. */
  hash: string;
  files: number;
  unzippedBytes: number;
  skipped: string[];
}

/** A .zip or .jar named directly goes up as it is, as `aws cloudformation package` does. */
async function readPrebuiltZip(path: string): Promise<PrebuiltZip | ZipInputError> {
  const bytes = new Uint8Array(await duringIo(readFile(path)));
  let files = 0;
  let unzippedBytes = 0;
  try {
    // The filter sees every entry's sizes and, returning false, keeps anything from inflating.
    unzipSync(bytes, {
      filter: (entry) => {
        if (!entry.name.endsWith('/')) {
          files += 1;
          unzippedBytes += entry.originalSize;
        }
        return false;
      },
    });
  } catch (error) {
    return new ZipInputError(
      'unsupported-file',
      `${path} is not a readable zip archive (${String(error)})`,
      'rebuild the archive, or point the property at the folder',
    );
  }
  if (files === 0)
    return new ZipInputError(
      'unsupported-file',
      `${path} is an empty archive`,
      'rebuild the archive with the code in it',
    );
  return { bytes, hash: sha256Hex(bytes), files, unzippedBytes, skipped: [] };
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
