import type { EngineEvent } from '../engine/events.js';

/** `3 artifacts, 14 files, 9.1 KB zipped: 2 uploaded (6.0 KB), 1 already in the bucket`. */
export function packagedText(event: Extract<EngineEvent, { type: 'stack:packaged' }>): string {
  const kb = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);
  const parts = [event.uploaded > 0 ? `${event.uploaded} uploaded (${kb(event.uploadedBytes)})` : '', event.reused > 0 ? `${event.reused} already in the bucket` : ''].filter(Boolean);
  return `packaged ${event.artifacts} ${event.artifacts === 1 ? 'artifact' : 'artifacts'}, ${event.files} files, ${kb(event.bytes)} zipped: ${parts.join(', ') || 'nothing to upload'}${event.templateByUrl ? '; template sent by URL (over 51,200 bytes)' : ''}`;
}
