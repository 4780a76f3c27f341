/**
 * The parameter-ARN form of an SSM dynamic reference names a region and an account: a literal
 * region other than the config's is an external input, and a literal account makes an edge that
 * says it rests on a guess (the config names no account), never a silently missed edge.
 */
import { describe, expect, it } from 'vitest';
import { graphOf } from '../helpers/graph-builders.js';

const writer = {
  template:
    'Resources:\n  Param:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: /orders/table\n      Type: String\n      Value: t\n',
};
const readerOf = (arn: string) => ({
  template: `Resources:\n  Fn:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: '{{resolve:ssm:${arn}}}'\n`,
});

describe('buildGraph: SSM parameter-ARN reads', () => {
  it('reads a parameter in another region as an external input, with no edge to the writer here', () => {
    const { graph } = graphOf({
      data: writer,
      app: readerOf('arn:aws:ssm:eu-west-1:${AWS::AccountId}:parameter/orders/table'),
    });
    expect(graph.edges.filter((e) => e.stack === 'app')).toEqual([]);
    expect(graph.external).toEqual([expect.objectContaining({ stack: 'app', via: 'ssm', name: '/orders/table' })]);
    expect(graph.external?.[0]?.detail).toContain('in region eu-west-1');
  });

  it('keeps the edge for a literal account, marked as resting on a guess', () => {
    const { graph } = graphOf({
      data: writer,
      app: readerOf('arn:aws:ssm:us-east-1:123456789012:parameter/orders/table'),
    });
    const edges = graph.edges.filter((e) => e.stack === 'app');
    expect(edges).toEqual([expect.objectContaining({ dependsOn: 'data', via: 'ssm', pattern: true })]);
    expect(edges[0]?.detail).toContain('if account 123456789012 in its ARN is this one');
  });

  it('makes a certain edge for the same region and ${AWS::AccountId}', () => {
    const { graph } = graphOf({
      data: writer,
      app: readerOf('arn:aws:ssm:us-east-1:${AWS::AccountId}:parameter/orders/table'),
    });
    const edges = graph.edges.filter((e) => e.stack === 'app');
    expect(edges).toEqual([expect.objectContaining({ dependsOn: 'data', via: 'ssm' })]);
    expect(edges[0]?.pattern).toBeUndefined();
  });
});
