import { UsageError } from '../errors.js';

/** How long an AWS API call may take, so that a server that never answers cannot hold a run. */
export interface CallDeadlines {
  /** Opening the TCP (and TLS) connection. */
  connectMs: number;
  /** One attempt: from sending the request to the first byte of the answer. */
  responseMs: number;
  /** One call as the engine sees it: waits for a rate-limiter token, every attempt and every backoff. */
  callMs: number;
  /**
   * The slowest upload we still wait for: an S3 put's deadlines grow by its size at this rate
   * (about 1 Mbit/s, a poor uplink), so a large zip is not cut off while a silent server still is.
   */
  uploadBytesPerSecond: number;
}

/**
 * A CloudFormation, SSM or S3 answer takes well under a second, a 1 MB change set page a few;
 * 30 s per attempt is generous. Two silent attempts fill the 60 s call deadline, so a silent
 * endpoint is reported within about a minute per call in sequence, while a throttled call still
 * has room for its retries (8 attempts back off about 16 s in all on average, 32 s at most).
 */
export const DEFAULT_DEADLINES: CallDeadlines = {
  connectMs: 10_000,
  responseMs: 30_000,
  callMs: 60_000,
  uploadBytesPerSecond: 128 * 1024,
};

/**
 * The deadlines of one upload of `bytes`: an attempt gets the time to send them at the slowest
 * rate we accept on top of the response deadline, and the call room for two such attempts.
 */
export function uploadDeadlines(deadlines: CallDeadlines, bytes: number): { responseMs: number; callMs: number } {
  const transferMs = Math.ceil((bytes / deadlines.uploadBytesPerSecond) * 1000);
  return { responseMs: deadlines.responseMs + transferMs, callMs: deadlines.callMs + 2 * transferMs };
}

/**
 * `STACKPILOT_AWS_DEADLINES`, e.g. `connect=200,response=500,call=2000` (milliseconds) or
 * `upload=65536` (bytes per second): shorter deadlines for tests, longer ones for a slow network.
 */
export const DEADLINES_ENV = 'STACKPILOT_AWS_DEADLINES';

const KEYS: Readonly<Record<string, keyof CallDeadlines>> = {
  connect: 'connectMs',
  response: 'responseMs',
  call: 'callMs',
  upload: 'uploadBytesPerSecond',
};

export function parseDeadlines(text: string, source = DEADLINES_ENV): Partial<CallDeadlines> {
  const result: Partial<CallDeadlines> = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    const key = Object.hasOwn(KEYS, name) ? KEYS[name] : undefined;
    const number = Number(value);
    if (key === undefined || value === '' || !Number.isInteger(number) || number <= 0) {
      throw new UsageError(`${source}: "${part}" is not a deadline`, {
        hint: 'use comma-separated connect=, response=, call= (milliseconds) and upload= (bytes per second), each a whole number above 0',
      });
    }
    result[key] = number;
  }
  return result;
}
