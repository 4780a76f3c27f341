import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCachedIndex, specIndexCacheFile, writeCachedIndex } from '../../src/spec/spec-index-cache.js';

describe('the cached spec index', () => {
  it('is named by the spec version, the index format and the V8 version', () => {
    const file = specIndexCacheFile('0.1.216');
    expect(file).toContain('stackpilot');
    expect(file).toMatch(/spec-index-0\.1\.216-f\d+-v8-/);
  });

  it('round-trips an index with shared and recursive property maps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stackpilot-spec-cache-'));
    const inner = new Map<string, unknown>();
    inner.set('Self', { required: false, shapes: [{ kind: 'object', properties: inner }] });
    const index = new Map([['AWS::X::Y', { attributes: ['Arn'], properties: inner }]]);
    await writeCachedIndex(join(dir, 'a', 'index.bin'), index);
    const back = readCachedIndex<typeof index>(join(dir, 'a', 'index.bin'));
    const properties = back?.get('AWS::X::Y')?.properties as Map<string, { shapes: { properties: unknown }[] }>;
    expect(properties.get('Self')?.shapes[0]?.properties).toBe(properties);
  });

  it('a missing or damaged file is no index (the database is loaded instead)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stackpilot-spec-cache-'));
    await writeFile(join(dir, 'bad.bin'), 'not v8 data');
    expect(readCachedIndex(join(dir, 'bad.bin'))).toBeUndefined();
    expect(readCachedIndex(join(dir, 'absent.bin'))).toBeUndefined();
  });
});
