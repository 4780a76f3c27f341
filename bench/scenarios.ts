import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { SyntheticStack } from './synthetic-project.js';

/** A benchmark scenario: a graph, its timings, and the concurrency every strategy gets. */
export interface BenchScenario {
  name: string;
  concurrency: number;
  /** Fraction of API calls the simulator answers `Throttling`. @default 0 */
  throttle?: { rate: number };
  stacks: (SyntheticStack & { changeSetSeconds: number; createSeconds: number })[];
}

const fileSchema = z.strictObject({
  name: z.string().min(1),
  concurrency: z.number().int().positive(),
  throttle: z.strictObject({ rate: z.number().min(0).lt(1) }).optional(),
  stacks: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/),
        dependsOn: z.array(z.string()).default([]),
        changeSetSeconds: z.number().positive(),
        createSeconds: z.number().positive(),
        resources: z.number().int().positive().optional(),
        resourceTypes: z.array(z.string().regex(/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/)).optional(),
        outputsFrom: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});

/**
 * `--scenario FILE`: `{"name","concurrency","stacks":[{"id","dependsOn":[],"changeSetSeconds","createSeconds"}]}`;
 * a stack may also give `resources` (a count of topics) or `resourceTypes` (what its template
 * holds, for the first run's priorities), and `outputsFrom`; the scenario may set
 * `"throttle": {"rate": 0.3}` (that fraction of calls answered `Throttling`).
 */
export async function loadBenchScenario(file: string): Promise<BenchScenario> {
  const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')) as unknown);
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Twelve stacks as a product team has them: network and keys first, stateful stores, then
 * services of different weights, a frontend and the cross-cutting monitoring and backup.
 * Durations are what such stacks take in CloudFormation (tables and CloudFront are slow).
 */
export function realisticScenario(): BenchScenario {
  const s = (
    id: string,
    dependsOn: string[],
    createSeconds: number,
    resourceTypes: string[],
    extra: Partial<SyntheticStack> = {},
  ) => ({ id, dependsOn, changeSetSeconds: 6, createSeconds, resourceTypes, ...extra });
  const few = (...types: string[]): string[] => types.map((t) => `AWS::${t}`);
  return {
    name: 'realistic-12',
    concurrency: 8,
    stacks: [
      s('network', [], 180, few('EC2::VPC', 'EC2::Subnet', 'EC2::Subnet', 'EC2::NatGateway', 'EC2::RouteTable')),
      s('kms', [], 45, few('KMS::Key', 'KMS::Alias')),
      s('dns', ['network'], 60, few('Route53::HostedZone', 'Route53::RecordSet')),
      s('database', ['network', 'kms'], 600, few('RDS::DBSubnetGroup', 'RDS::DBCluster', 'RDS::DBInstance'), {
        outputsFrom: ['kms'],
      }),
      s('cache', ['network'], 420, few('ElastiCache::SubnetGroup', 'ElastiCache::ReplicationGroup')),
      s('queues', ['kms'], 40, few('SQS::Queue', 'SQS::Queue', 'SQS::Queue', 'SNS::Topic')),
      s('auth', ['dns'], 150, few('Cognito::UserPool', 'Cognito::UserPoolClient', 'Cognito::UserPoolDomain')),
      s(
        'api',
        ['database', 'cache', 'auth', 'queues'],
        240,
        few('Lambda::Function', 'Lambda::Function', 'IAM::Role', 'ApiGateway::RestApi', 'ApiGateway::Deployment'),
        { outputsFrom: ['auth'] },
      ),
      s('workers', ['database', 'queues'], 200, few('ECS::Cluster', 'ECS::TaskDefinition', 'ECS::Service')),
      s(
        'frontend',
        ['dns', 'auth'],
        900,
        few('S3::Bucket', 'CloudFront::OriginAccessControl', 'CloudFront::Distribution'),
      ),
      s('monitoring', ['api', 'workers'], 90, few('CloudWatch::Alarm', 'CloudWatch::Alarm', 'CloudWatch::Dashboard')),
      s('backup', ['database'], 60, few('Backup::BackupVault', 'Backup::BackupPlan')),
    ],
  };
}

/** A seeded random DAG: 200 stacks, each with up to 3 dependencies among earlier ones, durations from 20 s to 15 min. */
export function randomScenario(count = 200, seed = 42): BenchScenario {
  let state = seed >>> 0;
  const random = (): number => {
    // mulberry32: small, fast and good enough for a reproducible benchmark graph.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const stacks: BenchScenario['stacks'] = [];
  for (let i = 0; i < count; i += 1) {
    const deps = new Set<string>();
    const wanted = i === 0 ? 0 : Math.floor(random() * 4);
    for (let d = 0; d < wanted; d += 1) {
      // Mostly recent stacks: graphs are deep, not only wide.
      const back = 1 + Math.floor(random() * random() * Math.min(i, 40));
      deps.add(`s${i - back}`);
    }
    // Heavy-tailed durations: most stacks are quick, a few are very slow.
    const createSeconds = Math.round(20 + 880 * random() ** 3);
    const dependsOn = [...deps];
    // Drawn in the order of earlier versions: the same graph and timings.
    const changeSetSeconds = 3 + Math.round(random() * 12);
    const resources = 1 + Math.floor(random() * 8);
    stacks.push({
      id: `s${i}`,
      dependsOn,
      changeSetSeconds,
      createSeconds,
      resources,
      // A slow stack is slow because it holds a slow type: the types follow from the duration.
      resourceTypes: [...Array<string>(resources - 1).fill('AWS::SQS::Queue'), ...slowTypeFor(createSeconds)],
      outputsFrom: dependsOn.filter(() => random() < 0.3),
    });
  }
  return { name: `random-${count}`, concurrency: 10, stacks };
}

/** The slow resource type that makes a stack take about this long, if any. */
function slowTypeFor(createSeconds: number): string[] {
  if (createSeconds >= 700) return ['AWS::RDS::DBInstance'];
  if (createSeconds >= 450) return ['AWS::ElastiCache::ReplicationGroup'];
  if (createSeconds >= 250) return ['AWS::CloudFront::Distribution'];
  if (createSeconds >= 150) return ['AWS::EC2::NatGateway'];
  return ['AWS::SNS::Topic'];
}

/**
 * A wide graph: one network stack, then 47 stacks at once under concurrency 8: six small stacks
 * holding a database (15 minutes) and 41 larger stacks of quick resources. A first run that
 * weighs stacks by resource count starts the databases last.
 */
export function wideScenario(): BenchScenario {
  const stacks: BenchScenario['stacks'] = [
    {
      id: 'network',
      dependsOn: [],
      changeSetSeconds: 5,
      createSeconds: 150,
      resourceTypes: ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway'],
    },
  ];
  for (let i = 0; i < 47; i += 1) {
    const database = i % 8 === 3;
    stacks.push({
      id: `${database ? 'db' : 'svc'}${i}`,
      dependsOn: ['network'],
      changeSetSeconds: 5,
      createSeconds: database ? 900 : 60 + ((i * 37) % 90),
      resourceTypes: database
        ? ['AWS::RDS::DBSubnetGroup', 'AWS::RDS::DBInstance']
        : Array<string>(12).fill('AWS::Lambda::Permission'),
    });
  }
  return { name: 'wide-48', concurrency: 8, stacks };
}
