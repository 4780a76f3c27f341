/**
 * Import-to-export matching through the index (issue 14, scale): patterns are looked up by their
 * literal prefix, exact names by name, and a wanted pattern among the exact names that start with
 * its prefix; the edges must be those a scan of every export gives.
 */
import { describe, expect, it } from 'vitest';
import { graphOf } from '../helpers/graph-builders.js';

const exportAs = (name: string, parameter = ''): string =>
  `${parameter}Resources:\n  T:\n    Type: AWS::SNS::Topic\nOutputs:\n  V:\n    Value: v\n    Export:\n      Name: ${name}\n`;
const importOf = (name: string, parameter = ''): string =>
  `${parameter}Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      Tags:\n        - Key: k\n          Value:\n            Fn::ImportValue: ${name}\n`;
const FREE = 'Parameters:\n  Free:\n    Type: String\n';

describe('matching imports to exports through the index', () => {
  it('finds the patterns whose literal prefix starts the name, and only those', () => {
    const { graph } = graphOf({
      short: { template: exportAs("!Sub 'api-${Free}-url'", FREE) },
      long: { template: exportAs("!Sub 'api-v2-${Free}'", FREE) },
      other: { template: exportAs("!Sub 'web-${Free}'", FREE) },
      literal: { template: exportAs('api-v2-x') },
      app: { template: importOf('api-v2-prod') },
    });
    expect(graph.edges.filter((e) => e.stack === 'app').map((e) => e.dependsOn)).toEqual(['long']);
  });

  it('matches a wanted pattern against the exact names with its prefix, and the same expression', () => {
    const { graph } = graphOf({
      one: { template: exportAs('api-v2-x') },
      two: { template: exportAs('api-v3') },
      three: { template: exportAs('apx-v2-y') },
      same: { template: exportAs("!Sub 'api-v2-${Free}'", FREE) },
      app: { template: importOf("!Sub 'api-v2-${Free}'", FREE) },
    });
    expect(
      graph.edges
        .filter((e) => e.stack === 'app')
        .map((e) => e.dependsOn)
        .sort(),
    ).toEqual(['one', 'same']);
  });
});
