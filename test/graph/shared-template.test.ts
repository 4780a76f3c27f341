/**
 * Scale (issue 14): a template shared by many stacks (one per region, tenant or shard) is read
 * and parsed once, and checked once, while every stack still gets its own analysis and problems.
 */
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { loadProject } from '../../src/graph/load-project.js';
import { testdir } from '../helpers/testdir.js';
import type * as ParseTemplate from '../../src/template/parse-template.js';

const reads = vi.hoisted(() => new Map<string, number>());
vi.mock('../../src/template/parse-template.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ParseTemplate>();
  const count = (file: string): void => {
    reads.set(file, (reads.get(file) ?? 0) + 1);
  };
  return {
    ...actual,
    readTemplate: (file: string, display?: string) => {
      count(file);
      return actual.readTemplate(file, display);
    },
    readTemplateSync: (file: string, display?: string) => {
      count(file);
      return actual.readTemplateSync(file, display);
    },
  };
});

const CONFIG = (template: string): string => `export default {
  project: 'shards',
  region: 'us-east-1',
  stacks: {
    a: { template: '${template}', parameters: { Shard: 'a' } },
    b: { template: '${template}', parameters: { Shard: 'b' } },
    c: { template: '${template}', parameters: { Shard: 'c' } },
  },
};
`;

describe('a template shared by many stacks', () => {
  it('is read once, and each stack gets its own analysis', async () => {
    const dir = await testdir({
      'stacks.config.ts': CONFIG('shard.yaml'),
      'shard.yaml': [
        'Parameters:',
        '  Shard:',
        '    Type: String',
        'Resources:',
        '  Queue:',
        '    Type: AWS::SQS::Queue',
        'Outputs:',
        '  Url:',
        '    Value: !Ref Queue',
        '    Export:',
        '      Name: !Sub "shards-${Shard}-url"',
        '',
      ].join('\n'),
    });
    reads.clear();

    const project = await loadProject({ cwd: dir, command: 'graph' });

    expect([...reads.values()]).toEqual([1]);
    expect(['a', 'b', 'c'].map((id) => project.templates.get(id)?.outputs[0]?.exportName?.value)).toEqual([
      'shards-a-url',
      'shards-b-url',
      'shards-c-url',
    ]);
  });

  it("reports a shared template's problem for every stack that uses it, from one read", async () => {
    const dir = await testdir({
      'stacks.config.ts': CONFIG('broken.yaml'),
      'broken.yaml': 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: [unclosed\n',
    });
    reads.clear();

    const error = await loadProject({ cwd: dir, command: 'validate' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.stack)).toEqual(['a', 'b', 'c']);
    expect([...reads.values()]).toEqual([1]);
  });
});
