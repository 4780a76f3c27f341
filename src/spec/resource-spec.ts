import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readCachedIndex, specIndexCacheFile, writeCachedIndex } from './spec-index-cache.js';
import type * as AwsServiceSpec from '@aws-cdk/aws-service-spec';

/**
 * Which properties of a resource type replace the resource when they change, from the
 * CloudFormation resource specification as the AWS CDK team maintains it
 * (`@aws-cdk/aws-service-spec`, the version installed beside us: see `specSource()`). This is the
 * only module that imports that package. Its database takes most of a second and some 100 MB to
 * load, so it is loaded once per process, on first use, and boiled down to the small index below;
 * the database itself is dropped.
 *
 * Only top-level properties are judged. A property whose own spec says nothing but whose nested
 * fields replace the resource (the spec's `additionalReplacementProperties`) counts as
 * `Conditionally`: whether it replaces depends on which field changed.
 */

/** CloudFormation's `RequiresRecreation` of a change-set detail. */
export type Recreation = 'Always' | 'Conditionally' | 'Never';

export interface ResourceSpec {
  /** `@aws-cdk/aws-service-spec <version>`: where the answers come from, for output. */
  readonly source: string;
  isKnownType(type: string): boolean;
  /** Every type the spec knows, for a did-you-mean. */
  typeNames(): readonly string[];
  /** What a change of the property does; undefined for a type or property the spec does not know. */
  replacementOf(type: string, property: string): Recreation | undefined;
  /** The properties whose change always replaces the resource; empty for an unknown type. */
  createOnlyProperties(type: string): string[];
  /** Whether a change of some property may replace the resource; undefined for an unknown type. */
  canBeReplaced(type: string): boolean | undefined;
  /** The spec's own opinion on whether the type holds data; undefined when unknown. */
  isStateful(type: string): boolean | undefined;
  /** The names `Fn::GetAtt` accepts for the type (some with dots); undefined for an unknown type. */
  attributesOf(type: string): readonly string[] | undefined;
  /** The type's top-level properties with their shapes and required flags; undefined for an unknown type. */
  propertiesOf(type: string): PropertyShapes | undefined;
}

/** Properties of a resource type or of one of its nested property types, by name. */
export type PropertyShapes = ReadonlyMap<string, PropertySpec>;

export interface PropertySpec {
  required: boolean;
  /** What the value may be: the current type and any the spec lists as previously accepted. */
  shapes: readonly Shape[];
}

/**
 * The shape of a value as far as a template can be checked offline: a scalar, a list, a map with
 * free keys, an object with known properties (`properties` undefined when the spec leaves it
 * open), or anything (JSON, unions).
 */
export type Shape =
  | { kind: 'scalar' }
  | { kind: 'any' }
  | { kind: 'list'; element: readonly Shape[] }
  | { kind: 'map'; element: readonly Shape[] }
  | { kind: 'object'; properties: PropertyShapes | undefined };

/** What the spec knows of one type: the index the database is boiled down to (also what the worker sends). */
export interface TypeEntry {
  /** Properties that replace (Always) or may replace (Conditionally); every other known one is Never. */
  replacing: ReadonlyMap<string, Recreation>;
  known: ReadonlySet<string>;
  stateful: boolean;
  attributes: readonly string[];
  properties: PropertyShapes;
}

const PACKAGE = '@aws-cdk/aws-service-spec';
const require = createRequire(import.meta.url);

let memo: ResourceSpec | undefined;
let pending: Promise<ResourceSpec> | undefined;
let loadMs: number | undefined;

/** The spec, loaded at most once per process (async read of the database file). */
export function loadResourceSpec(): Promise<ResourceSpec> {
  if (memo) return Promise.resolve(memo);
  pending ??= (async () => {
    const started = performance.now();
    const cached = cachedIndex();
    if (cached) {
      loadMs = performance.now() - started;
      memo ??= specFromIndex(cached, specSource());
      return memo;
    }
    const types = typeIndex(await packageModule().loadAwsServiceSpec());
    loadMs = performance.now() - started;
    memo ??= specFromIndex(types, specSource());
    await writeCachedIndex(specIndexCacheFile(specVersion()), types);
    return memo;
  })();
  return pending;
}

/**
 * The spec, loaded in a worker thread while the caller goes on (reading the other templates):
 * the database's unzip and parse take most of a second of CPU, the index the worker sends back a
 * tenth of that to receive. The result is the process's one spec, as `loadResourceSpec` would
 * give; without the compiled worker (tests run the sources) it loads in-process instead.
 */
export function loadResourceSpecInBackground(): Promise<ResourceSpec> {
  if (memo) return Promise.resolve(memo);
  if (pending) return pending;
  // A cached index is read faster here than a worker starts.
  const cached = cachedIndex();
  if (cached) {
    memo = specFromIndex(cached, specSource());
    return Promise.resolve(memo);
  }
  const workerFile = fileURLToPath(new URL('./spec-worker.js', import.meta.url));
  if (!existsSync(workerFile)) return loadResourceSpec();
  const started = performance.now();
  pending = new Promise<ResourceSpec>((resolve) => {
    const worker = new Worker(workerFile);
    let settled = false;
    const fallBack = (): void => {
      if (settled) return;
      settled = true;
      pending = undefined;
      resolve(loadResourceSpec());
    };
    worker.once('message', (types: Map<string, TypeEntry>) => {
      if (settled) return;
      settled = true;
      loadMs = performance.now() - started;
      memo ??= specFromIndex(types, specSource());
      resolve(memo);
    });
    worker.once('error', fallBack);
    worker.once('exit', fallBack);
  });
  return pending;
}

/** The index of every type, for the worker to send (`spec-worker.ts`); it also fills the cache. */
export async function buildSpecIndex(): Promise<Map<string, TypeEntry>> {
  const types = typeIndex(packageModule().loadAwsServiceSpecSync());
  await writeCachedIndex(specIndexCacheFile(specVersion()), types);
  return types;
}

function cachedIndex(): Map<string, TypeEntry> | undefined {
  const index = readCachedIndex<unknown>(specIndexCacheFile(specVersion()));
  return index instanceof Map ? (index as Map<string, TypeEntry>) : undefined;
}

/** The spec, now: loads it synchronously on first use (for the simulator, whose change sets are computed synchronously). */
export function resourceSpec(): ResourceSpec {
  if (!memo) {
    const started = performance.now();
    const cached = cachedIndex();
    if (cached) {
      memo = specFromIndex(cached, specSource());
      loadMs = performance.now() - started;
    } else memo = indexOf(packageModule().loadAwsServiceSpecSync(), started);
  }
  return memo;
}

/** How long the one load took (read, unzip, parse, index), once it happened. */
export function specLoadMs(): number | undefined {
  return loadMs;
}

/** `@aws-cdk/aws-service-spec 0.1.216`, without loading the database. */
export function specSource(): string {
  return `${PACKAGE} ${specVersion()}`;
}

function specVersion(): string {
  const { version } = require(`${PACKAGE}/package.json`) as { version: string };
  return version;
}

function packageModule(): typeof AwsServiceSpec {
  return require(PACKAGE) as typeof AwsServiceSpec;
}

type SpecDatabase = Awaited<ReturnType<typeof AwsServiceSpec.loadAwsServiceSpec>>;

type SpecResource = Extract<ReturnType<SpecDatabase['all']>[number], { cloudFormationType: string }>;
type SpecProperties = SpecResource['properties'];
type SpecPropertyType = SpecProperties[string]['type'];

function indexOf(db: SpecDatabase, started: number): ResourceSpec {
  const types = typeIndex(db);
  loadMs = performance.now() - started;
  return specFromIndex(types, specSource());
}

function typeIndex(db: SpecDatabase): Map<string, TypeEntry> {
  const types = new Map<string, TypeEntry>();
  // Every nested property type gets its (still empty) map first, so that shapes can point at
  // each other, recursive ones included; then the maps are filled.
  const definitions = new Map<string, Map<string, PropertySpec>>();
  for (const definition of db.all('typeDefinition')) definitions.set(definition.$id, new Map());
  const shapeOf = (type: SpecPropertyType): Shape => {
    switch (type.type) {
      case 'string':
      case 'number':
      case 'integer':
      case 'boolean':
      case 'date-time':
        return SCALAR;
      case 'array':
        return { kind: 'list', element: [shapeOf(type.element)] };
      case 'map':
        return { kind: 'map', element: [shapeOf(type.element)] };
      case 'ref':
        return { kind: 'object', properties: definitions.get(type.reference.$ref) };
      case 'tag':
        return TAG;
      default:
        // json, null and unions: nothing certain to say.
        return ANY;
    }
  };
  const propertiesOf = (properties: SpecProperties): Map<string, PropertySpec> => {
    const index = new Map<string, PropertySpec>();
    for (const [name, property] of Object.entries(properties)) {
      index.set(name, {
        required: property.required === true,
        shapes: [property.type, ...(property.previousTypes ?? [])].map(shapeOf),
      });
    }
    return index;
  };
  for (const definition of db.all('typeDefinition')) {
    const target = definitions.get(definition.$id);
    for (const [name, spec] of propertiesOf(definition.properties)) target?.set(name, spec);
  }
  for (const resource of db.all('resource')) {
    const replacing = new Map<string, Recreation>();
    for (const [name, property] of Object.entries(resource.properties)) {
      if (property.causesReplacement === 'yes') replacing.set(name, 'Always');
      else if (property.causesReplacement === 'maybe') replacing.set(name, 'Conditionally');
    }
    for (const path of resource.additionalReplacementProperties ?? []) {
      const top = path[0];
      if (top !== undefined && !replacing.has(top)) replacing.set(top, path.length === 1 ? 'Always' : 'Conditionally');
    }
    types.set(resource.cloudFormationType, {
      replacing,
      known: new Set(Object.keys(resource.properties)),
      stateful: resource.isStateful ?? false,
      attributes: Object.keys(resource.attributes),
      properties: propertiesOf(resource.properties),
    });
  }
  return types;
}

function specFromIndex(types: ReadonlyMap<string, TypeEntry>, source: string): ResourceSpec {
  return {
    source,
    isKnownType: (type) => types.has(type),
    typeNames: () => [...types.keys()],
    replacementOf: (type, property) => {
      const entry = types.get(type);
      if (!entry || !entry.known.has(property)) return undefined;
      return entry.replacing.get(property) ?? 'Never';
    },
    createOnlyProperties: (type) =>
      [...(types.get(type)?.replacing ?? [])].filter(([, r]) => r === 'Always').map(([name]) => name),
    canBeReplaced: (type) => {
      const entry = types.get(type);
      return entry === undefined ? undefined : entry.replacing.size > 0;
    },
    isStateful: (type) => types.get(type)?.stateful,
    attributesOf: (type) => types.get(type)?.attributes,
    propertiesOf: (type) => types.get(type)?.properties,
  };
}

const SCALAR: Shape = { kind: 'scalar' };
const ANY: Shape = { kind: 'any' };
const TAG: Shape = {
  kind: 'object',
  properties: new Map([
    ['Key', { required: true, shapes: [SCALAR] }],
    ['Value', { required: true, shapes: [SCALAR] }],
  ]),
};
