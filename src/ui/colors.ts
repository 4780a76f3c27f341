import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colour only for a terminal, never with NO_COLOR, always with FORCE_COLOR (https://no-color.org,
 * https://force-color.org). Decided per stream: piping stdout must not get escape codes.
 */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const force = env.FORCE_COLOR;
  const enabled = env.NO_COLOR !== undefined && env.NO_COLOR !== ''
    ? false
    : force !== undefined && force !== '0' && force !== 'false'
      ? true
      : stream.isTTY === true && env.TERM !== 'dumb';
  return pc.createColors(enabled);
}
