import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import PQueue from 'p-queue';
import { TemplateError, ValidationError } from '../errors.js';
import type { Problem } from '../errors.js';
import { parseTemplate } from '../template/parse-template.js';
import { artifactProblem, findArtifacts, LAMBDA_UNZIPPED_LIMIT } from './find-artifacts.js';
import type { ArtifactRef } from './find-artifacts.js';
import { rewriteTemplate } from './rewrite-template.js';
import type { Replacement } from './rewrite-template.js';
import { artifactKey, s3Uri, sha256Hex, templateUrl } from './s3-location.js';
import { zipFolder, ZipInputError } from './zip-folder.js';
import type { ZipResult } from './zip-folder.js';

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
  /** `zip`: a folder or file zipped here; `file`: a .zip/.jar uploaded as it is; `template`: a packaged nested template. */
  kind: 'zip' | 'file' | 'template';
  key: string;
  /** sha256 hex of the uploaded bytes. */
  hash: string;
  files: number;
  /** Size of the uploaded object. */
  bytes: number;
  unzippedBytes: number;
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

/** CloudFormation's limit for a template read from S3. */
const TEMPLATE_URL_LIMIT = 1_048_576;
const DEFAULT_LIMIT = 8;

interface Upload {
  key: string;
  body: Uint8Array;
  contentType: string;
  stats: ArtifactStat[];
}

/**
 * Zips every local artifact of a template and its nested templates, rewrites their paths to
 * content-hash S3 locations, then uploads what the store lacks. All problems of the whole tree
 * are collected first and thrown as one ValidationError, before anything is uploaded.
 */
export async function packageTemplate(input: PackageInput): Promise<PackageResult> {
  const packager = new Packager(input);
  const rootFile = resolve(input.templateFile);
  const body = await packager.buildTemplate(rootFile, input.templateText, [rootFile]);
  if (body === undefined || packager.problems.length > 0) {
    const count = packager.problems.length;
    throw new ValidationError('PACKAGE', `Cannot package ${displayPath(rootFile)}: ${count} problem${count === 1 ? '' : 's'} with local artifacts.`, packager.problems);
  }
  await packager.upload(input.limit ?? DEFAULT_LIMIT);
  return { body, artifacts: packager.artifacts, nested: [...packager.nested.values()] };
}

class Packager {
  readonly problems: Problem[] = [];
  readonly artifacts: ArtifactStat[] = [];
  readonly nested = new Map<string, PackagedNestedTemplate>();
  private readonly uploads = new Map<string, Upload>();
  private readonly zips = new Map<string, Promise<ZipResult | ZipInputError>>();

  constructor(private readonly input: PackageInput) {}

  /** Returns the packaged text, or undefined when the template itself could not be read. */
  async buildTemplate(file: string, text: string, chain: readonly string[]): Promise<string | undefined> {
    const template = parseTemplate(text, displayPath(file));
    const { refs, problems } = findArtifacts(template, dirname(file));
    this.problems.push(...problems);
    const replacements: Replacement[] = [];
    for (const ref of refs) {
      const location = ref.kind === 'zip' ? await this.buildZip(template.file, ref) : await this.buildNested(template.file, ref, chain);
      if (location !== undefined) replacements.push({ path: ref.path, value: location });
    }
    return rewriteTemplate(text, replacements);
  }

  private async buildZip(templateName: string, ref: ArtifactRef): Promise<Replacement['value'] | undefined> {
    const info = await stat(ref.absolutePath).catch(() => undefined);
    if (!info) {
      this.problems.push(artifactProblem(ref, `does not exist (looked for ${ref.absolutePath})`, 'paths are relative to the folder of the template that names them'));
      return undefined;
    }
    const prebuilt = info.isFile() && /\.(zip|jar)$/i.test(ref.absolutePath);
    const result = prebuilt ? await readPrebuiltZip(ref.absolutePath) : await this.zip(ref.absolutePath);
    if (result instanceof ZipInputError) {
      const hint = result.reason === 'too-large' ? 'move large dependencies into a layer, or use a container image' : result.hint;
      this.problems.push(artifactProblem(ref, zipProblemMessage(result), hint));
      return undefined;
    }
    if (result.unzippedBytes > LAMBDA_UNZIPPED_LIMIT) {
      this.problems.push(artifactProblem(ref, `holds ${result.unzippedBytes.toLocaleString('en-US')} bytes unzipped, over Lambda's limit of ${LAMBDA_UNZIPPED_LIMIT.toLocaleString('en-US')} (250 MB) for a function or a layer`,
        'move large dependencies into a layer, or use a container image'));
      return undefined;
    }
    const hash = sha256Hex(result.bytes);
    const key = artifactKey(this.input.prefix, hash, 'zip');
    this.record(key, result.bytes, 'application/zip', {
      template: templateName, logicalId: ref.logicalId, resourceType: ref.resourceType, property: ref.property, path: ref.value,
      kind: prebuilt ? 'file' : 'zip', key, hash, files: result.files, bytes: result.bytes.length, unzippedBytes: result.unzippedBytes,
      uploaded: false, reused: false, skipped: result.skipped,
    });
    return ref.shape === 'bucket-key' ? { S3Bucket: this.input.bucket, S3Key: key } : s3Uri(this.input.bucket, key);
  }

  private async buildNested(templateName: string, ref: ArtifactRef, chain: readonly string[]): Promise<string | undefined> {
    const info = await stat(ref.absolutePath).catch(() => undefined);
    if (!info) {
      this.problems.push(artifactProblem(ref, `does not exist (looked for ${ref.absolutePath})`, 'paths are relative to the folder of the template that names them'));
      return undefined;
    }
    if (!info.isFile()) {
      this.problems.push(artifactProblem(ref, 'is not a file: TemplateURL needs a template file', 'point it at the nested template (.yaml, .yml, .json)'));
      return undefined;
    }
    const file = await realpath(ref.absolutePath);
    if (chain.includes(file)) {
      const cycle = [...chain.slice(chain.indexOf(file)), file].map(displayPath).join(' → ');
      this.problems.push(artifactProblem(ref, `makes nested templates include each other: ${cycle}`, 'a nested stack cannot contain its own template; remove one TemplateURL of the cycle'));
      return undefined;
    }
    let body = this.nested.get(file)?.body;
    if (body === undefined) {
      try {
        body = await this.buildTemplate(file, await readFile(file, 'utf8'), [...chain, file]);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        this.problems.push({ message: `nested template of ${ref.logicalId} in ${templateName}: ${error.detail}`, location: error.location, path: ref.path.join('.') });
        return undefined;
      }
      if (body === undefined) return undefined;
    }
    const bytes = new TextEncoder().encode(body);
    if (bytes.length > TEMPLATE_URL_LIMIT) {
      this.problems.push(artifactProblem(ref, `is ${bytes.length.toLocaleString('en-US')} bytes once packaged, over CloudFormation's limit of ${TEMPLATE_URL_LIMIT.toLocaleString('en-US')} for a template in S3`,
        'split it into more nested stacks'));
      return undefined;
    }
    const hash = sha256Hex(bytes);
    const key = artifactKey(this.input.prefix, hash, 'template');
    const url = templateUrl(this.input.bucket, this.input.region, key);
    if (!this.nested.has(file)) this.nested.set(file, { template: displayPath(file), key, url, body });
    const contentType = extname(file).toLowerCase() === '.json' ? 'application/json' : 'application/yaml';
    this.record(key, bytes, contentType, {
      template: templateName, logicalId: ref.logicalId, resourceType: ref.resourceType, property: ref.property, path: ref.value,
      kind: 'template', key, hash, files: 1, bytes: bytes.length, unzippedBytes: bytes.length, uploaded: false, reused: false, skipped: [],
    });
    return url;
  }

  /** One zip per folder, however many properties name it. */
  private zip(path: string): Promise<ZipResult | ZipInputError> {
    let pending = this.zips.get(path);
    if (!pending) {
      pending = zipFolder(path, { maxUnzippedBytes: LAMBDA_UNZIPPED_LIMIT }).catch((error: unknown) => {
        if (error instanceof ZipInputError) return error;
        throw error;
      });
      this.zips.set(path, pending);
    }
    return pending;
  }

  private record(key: string, body: Uint8Array, contentType: string, artifact: ArtifactStat): void {
    this.artifacts.push(artifact);
    const upload = this.uploads.get(key);
    if (upload) upload.stats.push(artifact);
    else this.uploads.set(key, { key, body, contentType, stats: [artifact] });
  }

  /** Each key once: checked, then put only when missing. */
  async upload(limit: number): Promise<void> {
    const queue = new PQueue({ concurrency: Math.max(1, limit) });
    await Promise.all([...this.uploads.values()].map((upload) => queue.add(async () => {
      const exists = await this.input.store.exists(upload.key);
      if (!exists) await this.input.store.put(upload.key, upload.body, upload.contentType);
      upload.stats.forEach((artifact, index) => {
        artifact.uploaded = !exists && index === 0;
        artifact.reused = !artifact.uploaded;
      });
    })));
  }
}

function zipProblemMessage(error: ZipInputError): string {
  switch (error.reason) {
    case 'empty': return 'is an empty folder: there is nothing to deploy';
    case 'too-large': return `is over Lambda's unzipped limit (250 MB) for a function or a layer: ${error.message}`;
    case 'not-found': return 'does not exist';
    default: return `cannot be zipped: ${error.message}`;
  }
}

/** A .zip or .jar named directly goes up as it is, as `aws cloudformation package` does. */
async function readPrebuiltZip(path: string): Promise<ZipResult | ZipInputError> {
  const bytes = new Uint8Array(await readFile(path));
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
    return new ZipInputError('unsupported-file', `${path} is not a readable zip archive (${String(error)})`, 'rebuild the archive, or point the property at the folder');
  }
  if (files === 0) return new ZipInputError('unsupported-file', `${path} is an empty archive`, 'rebuild the archive with the code in it');
  return { bytes, files, unzippedBytes, skipped: [] };
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
