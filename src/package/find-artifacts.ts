import { isAbsolute, resolve } from 'node:path';
import type { Problem, SourceLocation } from '../errors.js';
import type { ParsedTemplate, TemplateObject, TemplateValue } from '../template/parse-template.js';

/** Lambda's limit on a function's or layer's unzipped size, per artifact. */
export const LAMBDA_UNZIPPED_LIMIT = 262_144_000;

/** How the S3 location replaces the local path in the template. */
export type ArtifactShape =
  /** `{ S3Bucket, S3Key }` (AWS::Lambda::Function `Code`, AWS::Lambda::LayerVersion `Content`). */
  | 'bucket-key'
  /** `s3://bucket/key` (the AWS::Serverless properties). */
  | 's3-uri'
  /** `https://bucket.s3.region.amazonaws.com/key` (AWS::CloudFormation::Stack `TemplateURL`). */
  | 'template-url';

interface PackageableProperty {
  resourceType: string;
  property: string;
  kind: 'zip' | 'template';
  shape: ArtifactShape;
}

/**
 * The properties where a local path may stand for an S3 location. `aws cloudformation package`
 * knows more (ApiGateway BodyS3Location, Serverless::Application Location, AppSync mapping
 * templates, Glue, StepFunctions, ...): not supported yet, their local paths are left alone.
 */
export const PACKAGEABLE_PROPERTIES: readonly PackageableProperty[] = [
  { resourceType: 'AWS::Lambda::Function', property: 'Code', kind: 'zip', shape: 'bucket-key' },
  { resourceType: 'AWS::Lambda::LayerVersion', property: 'Content', kind: 'zip', shape: 'bucket-key' },
  { resourceType: 'AWS::Serverless::Function', property: 'CodeUri', kind: 'zip', shape: 's3-uri' },
  { resourceType: 'AWS::Serverless::LayerVersion', property: 'ContentUri', kind: 'zip', shape: 's3-uri' },
  { resourceType: 'AWS::CloudFormation::Stack', property: 'TemplateURL', kind: 'template', shape: 'template-url' },
];

/** One local path in a template that has to become an S3 location. */
export interface ArtifactRef {
  logicalId: string;
  resourceType: string;
  property: string;
  kind: 'zip' | 'template';
  shape: ArtifactShape;
  /** The path as written in the template. */
  value: string;
  /** Resolved against the folder of the template that names it. */
  absolutePath: string;
  /** Where the value sits in the template body, for rewriting. */
  path: readonly string[];
  /** The property's line in the template. */
  location: SourceLocation;
}

/** A string is a local path unless it is an S3 or HTTP(S) location; intrinsics are not strings. */
export function isLocalPath(value: TemplateValue | undefined): value is string {
  return typeof value === 'string' && !/^(s3|https?):\/\//i.test(value);
}

/**
 * Every local path in the template's packageable properties, in template order. Pure: whether
 * the paths exist is the packager's question. An empty string is reported in `problems`.
 */
export function findArtifacts(
  template: ParsedTemplate,
  templateDir: string,
): { refs: ArtifactRef[]; problems: Problem[] } {
  const refs: ArtifactRef[] = [];
  const problems: Problem[] = [];
  const resources = asObject(template.body.Resources);
  if (!resources) return { refs, problems };
  for (const [logicalId, raw] of Object.entries(resources)) {
    const resource = asObject(raw);
    const properties = asObject(resource?.Properties);
    if (!resource || !properties) continue;
    for (const spec of PACKAGEABLE_PROPERTIES) {
      if (resource.Type !== spec.resourceType) continue;
      const value = properties[spec.property];
      if (!isLocalPath(value)) continue;
      const location = template.locate(
        template.positionOfEntry(properties, spec.property) ?? template.positionOf(properties),
      );
      const ref: ArtifactRef = {
        logicalId,
        resourceType: spec.resourceType,
        property: spec.property,
        kind: spec.kind,
        shape: spec.shape,
        value,
        absolutePath: isAbsolute(value) ? value : resolve(templateDir, value),
        path: ['Resources', logicalId, 'Properties', spec.property],
        location,
      };
      if (value.trim() === '') {
        problems.push(
          artifactProblem(ref, 'is an empty string', 'give a path relative to this template, or an s3:// location'),
        );
        continue;
      }
      refs.push(ref);
    }
  }
  return { refs, problems };
}

/** A problem with one artifact: `path` names the resource and property, `location` the file and line. */
export function artifactProblem(ref: ArtifactRef, message: string, hint?: string): Problem {
  return {
    message: `${ref.value.trim() === '' ? 'the path' : `\`${ref.value}\``} ${message}`,
    path: ref.path.join('.'),
    location: ref.location,
    ...(hint === undefined ? {} : { hint }),
  };
}

function asObject(value: TemplateValue | undefined): TemplateObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
