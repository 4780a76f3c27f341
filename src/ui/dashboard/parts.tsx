import { Box, Text } from 'ink';
import { createContext, useContext } from 'react';
import type { Line } from './lines.js';

/** Whether to paint in colour: Ink's own detection ignores NO_COLOR, so the renderer decides. */
export const ColorContext = createContext(true);

/** One precomputed line, each segment in its style. */
export function PaintedLine({ line }: { line: Line }) {
  const color = useContext(ColorContext);
  if (line.length === 0) return <Text> </Text>;
  if (!color) return <Text>{line.map((s) => s.text).join('')}</Text>;
  return (
    <Text>
      {line.map((s, i) => (
        <Text key={i} {...(s.tone ? { color: s.tone } : {})} bold={s.bold === true}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function Header({ line }: { line: Line }) {
  return <PaintedLine line={line} />;
}

export function StackTable({ rows }: { rows: readonly Line[] }) {
  return (
    <Box flexDirection="column">
      {rows.map((line, i) => (
        <PaintedLine key={i} line={line} />
      ))}
    </Box>
  );
}

/** A bordered panel (root causes, the approval prompt); its lines are already wrapped to fit. */
export function Panel({ lines, width, color }: { lines: readonly Line[]; width: number; color: 'red' | 'yellow' }) {
  const painted = useContext(ColorContext);
  if (lines.length === 0) return null;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      {...(painted ? { borderColor: color } : {})}
      paddingX={1}
      width={width}
    >
      {lines.map((line, i) => (
        <PaintedLine key={i} line={line} />
      ))}
    </Box>
  );
}

export function Footer({ notices, line }: { notices: readonly Line[]; line: Line }) {
  return (
    <Box flexDirection="column">
      {notices.map((notice, i) => (
        <PaintedLine key={i} line={notice} />
      ))}
      <PaintedLine line={line} />
    </Box>
  );
}
