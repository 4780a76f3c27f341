/**
 * The last day of support of each Node major stackpilot runs on (nodejs.org/en/about/previous-releases).
 * A major missing here and newer than all of them is taken as supported; add each new LTS line.
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
};

/** The first major whose AWS SDK releases from January 2027 on still run. */
const SDK_MINIMUM_MAJOR = 22;

/**
 * One line for the run header when the running Node is past its end of life, or undefined.
 * Replaces the AWS SDK's multi-line NodeVersionSupportWarning, which bin/stackpilot.js turns off.
 * `version` is `process.version` (`v20.19.0`); `today` is compared as a UTC calendar date, and the
 * end-of-life day itself is still supported.
 */
export function nodeSupportNotice(version: string, today: Date): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major)) return undefined;
  const day = today.toISOString().slice(0, 10);
  const majors = Object.keys(NODE_END_OF_LIFE)
    .map(Number)
    .sort((a, b) => a - b);
  const endOfLife = Object.hasOwn(NODE_END_OF_LIFE, major) ? NODE_END_OF_LIFE[major] : undefined;
  const pastEnd = endOfLife !== undefined ? day > endOfLife : major < (majors[0] ?? 0);
  if (!pastEnd) return undefined;
  const supported = majors.find((m) => m > major && day <= (NODE_END_OF_LIFE[m] ?? '')) ?? (majors.at(-1) ?? major) + 2;
  const sdk = major < SDK_MINIMUM_MAJOR ? `, and AWS SDK releases from 2027 on need Node ${SDK_MINIMUM_MAJOR}` : '';
  const past = endOfLife === undefined ? 'is past its end of life' : `reached its end of life on ${endOfLife}`;
  return `Node ${version.replace(/^v/, '')} ${past}: no security fixes${sdk}. Upgrade to Node ${supported} or later.`;
}

/** The header field for the Node running this process, today. */
export function nodeNoticeField(): { nodeNotice?: string } {
  const nodeNotice = nodeSupportNotice(process.version, new Date());
  return nodeNotice === undefined ? {} : { nodeNotice };
}
