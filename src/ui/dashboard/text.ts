import { formatDuration } from '../../format-duration.js';

/**
 * Text helpers for the dashboard's fixed-width layout. Widths count code points: every glyph the
 * dashboard draws is one column wide, and engine text is plain ASCII in practice.
 */

/** Engine text on one line: newlines and runs of blanks become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function width(text: string): number {
  return [...text].length;
}

/** Cut to `max` columns, ending with `…` when something was cut. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** Truncate, then pad with spaces to exactly `size` columns. */
export function fit(text: string, size: number): string {
  const cut = truncate(text, size);
  return cut + ' '.repeat(Math.max(0, size - width(cut)));
}

export function padStart(text: string, size: number): string {
  return ' '.repeat(Math.max(0, size - width(text))) + text;
}

/**
 * Word-wrap to `max` columns; words longer than a line are broken. Newlines in the text are kept.
 * Continuation lines start with `indent`.
 */
export function wrap(text: string, max: number, indent = ''): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let prefix = lines.length === 0 ? '' : indent;
    const push = (): void => {
      lines.push(prefix + line);
      line = '';
      prefix = indent;
    };
    for (const word of paragraph.split(/[ \t]+/).filter((w) => w !== '')) {
      let rest = word;
      for (;;) {
        const room = max - width(prefix);
        const needed = line === '' ? width(rest) : width(line) + 1 + width(rest);
        if (needed <= room) {
          line = line === '' ? rest : `${line} ${rest}`;
          break;
        }
        if (line !== '') {
          push();
          continue;
        }
        // A word longer than a whole line: break it.
        const chars = [...rest];
        line = chars.slice(0, Math.max(1, room)).join('');
        rest = chars.slice(Math.max(1, room)).join('');
        push();
        if (rest === '') break;
      }
    }
    if (line !== '' || paragraph.trim() === '') push();
  }
  return lines;
}

/** `███████░░░` for `done` of `total`, `size` cells. */
export function progressBar(done: number, total: number, size: number): string {
  const filled = total <= 0 ? size : Math.min(size, Math.round((done / total) * size));
  return '█'.repeat(filled) + '░'.repeat(size - filled);
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** One spinner frame per redraw at the renderer's pace. */
export const SPINNER_FRAME_MS = 100;

/** The spinner frame for a clock reading: derived from time, so a fixed clock draws a fixed frame. */
export function spinnerFrame(now: number): string {
  return SPINNER[Math.floor(now / SPINNER_FRAME_MS) % SPINNER.length] ?? '⠋';
}

/** Elapsed time in whole seconds: `0s`, `42s`, `2m13s`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return seconds === 0 ? '0s' : formatDuration(seconds * 1000);
}
