import { describe, expect, it } from 'vitest';
import { loadResourceSpec, resourceSpec, specLoadMs, specSource } from '../../src/spec/resource-spec.js';

describe('the resource spec (@aws-cdk/aws-service-spec)', () => {
  it('says which DynamoDB table properties replace it', async () => {
    const spec = await loadResourceSpec();
    expect(spec.replacementOf('AWS::DynamoDB::Table', 'KeySchema')).toBe('Always');
    expect(spec.replacementOf('AWS::DynamoDB::Table', 'TableName')).toBe('Always');
    expect(spec.replacementOf('AWS::DynamoDB::Table', 'BillingMode')).toBe('Never');
    expect(spec.createOnlyProperties('AWS::DynamoDB::Table')).toEqual(
      expect.arrayContaining(['KeySchema', 'TableName']),
    );
    expect(spec.createOnlyProperties('AWS::DynamoDB::Table')).not.toContain('BillingMode');
    expect(spec.isStateful('AWS::DynamoDB::Table')).toBe(true);
  });

  it('maps the spec\'s "maybe" to Conditionally', async () => {
    const spec = await loadResourceSpec();
    expect(spec.replacementOf('AWS::EC2::Instance', 'InstanceType')).toBe('Conditionally');
    expect(spec.replacementOf('AWS::RDS::DBInstance', 'Engine')).toBe('Conditionally');
  });

  it('knows nothing of unknown types and properties', async () => {
    const spec = await loadResourceSpec();
    expect(spec.isKnownType('AWS::DynamoDB::Table')).toBe(true);
    expect(spec.isKnownType('Custom::Thing')).toBe(false);
    expect(spec.replacementOf('Custom::Thing', 'Anything')).toBeUndefined();
    expect(spec.replacementOf('AWS::DynamoDB::Table', 'NoSuchProperty')).toBeUndefined();
    expect(spec.createOnlyProperties('AWS::Nope::Nope')).toEqual([]);
  });

  it('loads once per process: the async loader and the sync accessor give the same index', async () => {
    const spec = await loadResourceSpec();
    expect(resourceSpec()).toBe(spec);
    expect(await loadResourceSpec()).toBe(spec);
    expect(specLoadMs()).toBeGreaterThan(0);
  });

  it('names its source with the installed version', () => {
    expect(specSource()).toMatch(/^@aws-cdk\/aws-service-spec \d+\.\d+\.\d+$/);
    expect(resourceSpec().source).toBe(specSource());
  });
});
