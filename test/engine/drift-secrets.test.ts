import { describe, expect, it } from 'vitest';
import type { ResourceDrift } from '../../src/aws/ports.js';
import { maskSecrets, secretsToHide } from '../../src/engine/drift/detect-drift.js';
import type { TemplateInfo } from '../../src/template/analyze-template.js';

const drift = (expectedValue: string, actualValue: string): ResourceDrift[] => [
  {
    logicalId: 'Db',
    physicalId: 'db-1',
    resourceType: 'AWS::RDS::DBInstance',
    driftStatus: 'MODIFIED',
    differences: [{ propertyPath: '/MasterUserPassword', expectedValue, actualValue, differenceType: 'NOT_EQUAL' }],
  },
];

const template = (parameters: { name: string; noEcho: boolean; default?: string }[]): TemplateInfo =>
  ({
    parameters: parameters.map((p) => ({ type: 'String', default: p.default, location: {}, ...p })),
  }) as unknown as TemplateInfo;

describe('drift output hides secrets', () => {
  it('replaces every occurrence of a secret in expected and actual values, the longest secret first', () => {
    const [masked] = maskSecrets(drift('pre-hunter2-post', 'hunter2hunter2'), ['hunter2', 'hunter2hunter2']);
    expect(masked?.differences[0]?.expectedValue).toBe('pre-****-post');
    expect(masked?.differences[0]?.actualValue).toBe('****');
  });

  it('hides every value when the secrets are not known', () => {
    const [masked] = maskSecrets(drift('anything', 'else'), 'unknown');
    expect(masked?.differences[0]).toMatchObject({ expectedValue: '****', actualValue: '****' });
  });

  it('takes NoEcho and SecureString values, the defaults of unset NoEcho parameters, and gives up without one', () => {
    const resolved = {
      parameters: [
        { key: 'Password', value: 's3cret' },
        { key: 'Stage', value: 'dev' },
      ],
      secretKeys: new Set(['Password']),
    };
    expect(
      secretsToHide(
        template([
          { name: 'Password', noEcho: true },
          { name: 'Stage', noEcho: false },
          { name: 'ApiKey', noEcho: true, default: 'default-key' },
        ]),
        resolved,
      ),
    ).toEqual(['s3cret', 'default-key']);
    expect(secretsToHide(template([{ name: 'Token', noEcho: true }]), resolved)).toBe('unknown');
  });
});
