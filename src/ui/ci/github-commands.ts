/**
 * GitHub Actions workflow commands (`::name key=value,…::message`), escaped the way the runner
 * unescapes them (the same rules as `@actions/core`'s `command.ts`): in the message `%`, CR and
 * LF; in a property value also `:` and `,`, which would otherwise end the value.
 */

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command as a whole line. */
export function workflowCommand(name: string, properties: Readonly<Record<string, string>>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}\n`;
}
