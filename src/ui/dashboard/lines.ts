/** A run of text in one style; the layout is plain data, the components only paint it. */
export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
}

export type Tone = 'green' | 'red' | 'yellow' | 'cyan' | 'gray';

/** One terminal line, no wider than the frame. */
export type Line = Segment[];

export function plain(text: string, tone?: Tone, bold?: boolean): Line {
  return [seg(text, tone, bold)];
}

export function seg(text: string, tone?: Tone, bold?: boolean): Segment {
  return { text, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) };
}

/** The line as text, trailing blanks removed (as the terminal shows it). */
export function lineText(line: Line): string {
  return line
    .map((s) => s.text)
    .join('')
    .trimEnd();
}
