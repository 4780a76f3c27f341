import { Box, Text } from 'ink';
import { layoutFrame } from './layout.js';
import type { DashboardSnapshot } from './live-store.js';
import { ColorContext, Footer, Header, PaintedLine, Panel, StackTable } from './parts.js';

/** The whole dashboard for one snapshot: a pure function of it. */
export function Dashboard({ snapshot, color = true }: { snapshot: DashboardSnapshot; color?: boolean }) {
  const frame = layoutFrame(snapshot);
  return (
    <ColorContext value={color}>
      <Box flexDirection="column" width={frame.width}>
        <Header line={frame.header} />
        {frame.headerNotes.map((line, i) => (
          <PaintedLine key={i} line={line} />
        ))}
        <Text> </Text>
        <StackTable rows={frame.table} />
        <Text> </Text>
        <Panel lines={frame.failures} width={frame.width} color="red" />
        <Panel lines={frame.approval} width={frame.width} color="yellow" />
        <Footer notices={frame.notices} line={frame.footer} />
      </Box>
    </ColorContext>
  );
}
