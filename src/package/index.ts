export { packageTemplate, TEMPLATE_URL_LIMIT } from './package-template.js';
export type {
  ArtifactStat,
  ArtifactStore,
  PackageInput,
  PackageResult,
  PackagedNestedTemplate,
} from './package-template.js';
export { findArtifacts, isLocalPath, LAMBDA_UNZIPPED_LIMIT, PACKAGEABLE_PROPERTIES } from './find-artifacts.js';
export type { ArtifactRef, ArtifactShape } from './find-artifacts.js';
export { folderManifest, ZIP_FORMAT, zipFolder, ZipInputError, zipManifest } from './zip-folder.js';
export type { FolderManifest, ManifestEntry, ZipOptions, ZipResult, ZipInputReason } from './zip-folder.js';
export { rewriteTemplate } from './rewrite-template.js';
export type { Replacement } from './rewrite-template.js';
export { artifactKey, s3Uri, sha256Hex, templateUrl } from './s3-location.js';
