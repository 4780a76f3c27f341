import { AwsError, NETWORK_ERROR } from './errors.js';

/**
 * Wire codes of modeled exceptions whose SDK class name differs from the code
 * (CLOUDFORMATION.md §0). The SDK puts the wire code in `err.Code` for awsQuery errors; this table
 * is the fallback for an error that lacks it.
 */
const WIRE_CODE_BY_NAME: Readonly<Record<string, string>> = {
  ChangeSetNotFoundException: 'ChangeSetNotFound',
  InvalidChangeSetStatusException: 'InvalidChangeSetStatus',
};

/** Node's socket/DNS failures and the SDK's request timeout: nothing reached the service. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const UNKNOWN = 'UnknownError';

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * Turns whatever `client.send` threw into an AwsError. Every error that left the SDK's retry
 * middleware carries `$metadata` (the middleware adds attempts and delay even to socket errors), so
 * `$metadata` alone does not tell a service refusal from a network failure; `httpStatusCode` does.
 */
export function toAwsError(operation: string, error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const e: SdkErrorLike = typeof error === 'object' && error !== null ? error : {};
  const name = typeof e.name === 'string' ? e.name : 'UnknownError';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;

  hideRawResponse(error);
  // An HTTP answer: a service error (`$fault`), or a body the SDK could not deserialize (no
  // `$fault`, but the status is there).
  if (e.$fault === 'client' || e.$fault === 'server' || status !== undefined) {
    const code = serviceCode(e, name);
    if (code === UNKNOWN && (message === 'Unknown' || message === 'UnknownError')) {
      return new AwsError(operation, code, `HTTP ${status ?? '?'} answer without an AWS error code`, status, error);
    }
    return new AwsError(operation, code, message, status, error);
  }
  const nodeCode = typeof e.code === 'string' ? e.code : undefined;
  if ((nodeCode !== undefined && NETWORK_CODES.has(nodeCode)) || name === 'TimeoutError') {
    return new AwsError(operation, NETWORK_ERROR, message, undefined, error);
  }
  // Client-side failures before any request: missing region or credentials, a bad profile.
  return new AwsError(operation, name, message, status, error);
}

function serviceCode(e: SdkErrorLike, name: string): string {
  if (typeof e.Code === 'string' && e.Code !== '') return e.Code;
  const wire = WIRE_CODE_BY_NAME[name];
  if (wire !== undefined) return wire;
  // A body without an AWS error (the SDK says `Unknown`) or one it could not parse at all (`Error`):
  // an HTML page from a proxy, an emulator's crash.
  return name === 'Error' || name === 'Unknown' ? UNKNOWN : name;
}

/**
 * The SDK error keeps the whole HTTP response (socket, agent, stream) as `$response`; as the
 * cause of our error it would flood `--debug` output and test failures. It stays readable.
 */
function hideRawResponse(error: unknown): void {
  if (typeof error !== 'object' || error === null || !Object.prototype.propertyIsEnumerable.call(error, '$response'))
    return;
  Object.defineProperty(error, '$response', { enumerable: false });
}

/** Runs one SDK call and maps its failure. */
export async function callAws<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toAwsError(operation, error);
  }
}
