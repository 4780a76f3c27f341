import { describe, expect, it } from 'vitest';
import { packagedText } from '../../src/ui/packaged-text.js';

describe('packagedText', () => {
  it('says "1 artifact, 1 file" for one', () => {
    const text = packagedText({
      type: 'stack:packaged',
      stack: 'svc',
      stackName: 'p-svc',
      artifacts: 1,
      files: 1,
      bytes: 10,
      uploaded: 1,
      uploadedBytes: 10,
      reused: 0,
      templateByUrl: false,
      durationMs: 1,
    });
    expect(text).toBe('packaged 1 artifact, 1 file: 1 uploaded (10 B)');
  });
});
