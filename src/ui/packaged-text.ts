import type { EngineEvent } from '../engine/events.js';

/**
 * `packaged 4 artifacts, 4 files: 1 uploaded (590 B), 3 already in the bucket`. No total of
 * zipped bytes: code already in the bucket is found by a hash of its sources and never zipped,
 * so only what was uploaded has a size worth showing.
 */
export function packagedText(event: Extract<EngineEvent, { type: 'stack:packaged' }>): string {
  const parts = [
    event.uploaded > 0 ? `${event.uploaded} uploaded (${size(event.uploadedBytes)})` : '',
    event.reused > 0 ? `${event.reused} already in the bucket` : '',
  ].filter(Boolean);
  const uploads = parts.join(', ') || 'nothing to upload';
  const byUrl = event.templateByUrl ? '; template sent by URL (over 51,200 bytes)' : '';
  const files = `${event.files} ${event.files === 1 ? 'file' : 'files'}`;
  return `packaged ${event.artifacts} ${event.artifacts === 1 ? 'artifact' : 'artifacts'}, ${files}: ${uploads}${byUrl}`;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
