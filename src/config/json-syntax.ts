import type { SourceLocation } from '../errors.js';

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; message: string; location: SourceLocation };

/**
 * Strict JSON (no comments, no trailing commas), with the error placed at file:line:column.
 * V8 reports only a character offset ("at position N"), so the line is counted here.
 */
export function parseJsonStrict(text: string, file: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const location: SourceLocation = { file };
    if (position !== undefined) {
      const before = text.slice(0, Number(position)).split('\n');
      location.line = before.length;
      location.column = (before.at(-1)?.length ?? 0) + 1;
    }
    return {
      ok: false,
      message: message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, ''),
      location,
    };
  }
}
