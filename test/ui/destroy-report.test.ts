import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { retainedLines } from '../../src/ui/destroy-report.js';

const retained = [
  {
    stack: 'data',
    logicalId: 'Table',
    resourceType: 'AWS::DynamoDB::Table',
    physicalId: 'orders-dev-orders',
    fixedName: true,
  },
  {
    stack: 'data',
    logicalId: 'Bucket',
    resourceType: 'AWS::S3::Bucket',
    physicalId: 'orders-dev-data-1-us-east-1',
    fixedName: true,
  },
];

describe('the retained resources after a destroy', () => {
  it('wraps the fixed-name sentence at words to the terminal width', () => {
    const lines = retainedLines(retained, 'dev', pc.createColors(false), 60);
    expect(lines.slice(3)).toEqual([
      'data.Table, data.Bucket have fixed names: a later deploy of',
      'stage dev will fail on them ("already exists") until they',
      'are deleted or imported into the stack (IMPORT change set)',
    ]);
  });

  it('keeps it on one line without a terminal width (a pipe, a CI log)', () => {
    expect(retainedLines(retained, 'dev', pc.createColors(false))).toHaveLength(4);
  });
});
