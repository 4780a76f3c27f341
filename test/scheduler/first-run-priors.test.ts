/**
 * First-run priorities (issue 14): with no recorded durations, a stack is weighed by what its
 * resource types typically take, so a small stack holding a database starts before a large stack
 * of quick resources.
 */
import { describe, expect, it } from 'vitest';
import { planSchedule } from '../../src/engine/runner/schedule-plan.js';
import { priorSeconds } from '../../src/engine/runner/resource-priors.js';
import { makeProject } from '../engine/support.js';

const topics = (count: number): string =>
  `Resources:\n${Array.from({ length: count }, (_, i) => `  Topic${i}:\n    Type: AWS::SNS::Topic\n`).join('')}`;

describe('priors per resource type', () => {
  it('starts a two-resource stack holding a database before a twenty-topic stack', async () => {
    const { project } = await makeProject({
      topics: { template: topics(20) },
      database: {
        template: `Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n  Secret:\n    Type: AWS::SecretsManager::Secret\n`,
      },
    });

    const plan = planSchedule(project, ['topics', 'database'], {}, {});

    expect(plan.byPriority).toEqual(['database', 'topics']);
    expect(plan.priority.get('database')).toBe(30 + 10 + 900);
    expect(plan.priority.get('topics')).toBe(30 + 10 * 20);
  });

  it('gives way to recorded durations when a run recorded them', async () => {
    const { project } = await makeProject({
      topics: { template: topics(20) },
      database: { template: `Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n` },
    });

    const plan = planSchedule(project, ['topics', 'database'], {}, { database: { executeMs: 60_000 } });

    expect(plan.byPriority).toEqual(['topics', 'database']);
  });

  it('counts the slowest slow resource, not their sum (CloudFormation creates them in parallel)', () => {
    expect(priorSeconds(['AWS::RDS::DBInstance', 'AWS::RDS::DBInstance', 'AWS::CloudFront::Distribution'])).toBe(
      30 + 900,
    );
    expect(priorSeconds(['AWS::SNS::Topic', 'AWS::SQS::Queue'])).toBe(50);
    expect(priorSeconds([])).toBe(40);
  });
});
