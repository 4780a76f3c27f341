import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour only for a terminal, never with NO_COLOR, always with FORCE_COLOR unless it says 0 or
 * false (https://no-color.org, https://force-color.org). Decided per stream: piping stdout must
 * not get escape codes.
 */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  return pc.createColors(colorEnabled(stream, env));
}

function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return false;
  if (force !== undefined) return true;
  // picocolors would treat `undefined` as "detect" (and colour under CI=true): decide here.
  return stream.isTTY === true && env.TERM !== 'dumb';
}
