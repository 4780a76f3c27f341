import { UsageError } from '../errors.js';

/** The variables the SDK reads an endpoint from (and those our clients look at), in the order shown. */
export const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_STS',
] as const;

const EXAMPLE = 'http://localhost:5102';

/**
 * What is wrong with an endpoint URL, or undefined when it is a usable http(s) URL. Without this,
 * `localhost:5102` parses as scheme `localhost:` and the SDK answers every call with `NotFound: Unknown`.
 */
export function endpointUrlProblem(text: string): string | undefined {
  if (text.trim() === '') return 'is empty';
  if (/\s/.test(text)) return 'contains spaces';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return 'has no scheme (http:// or https://)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `has the scheme "${url.protocol.slice(0, -1)}"; only http and https work`;
  if (url.hostname === '') return 'has no host';
  return undefined;
}

/**
 * --endpoint-url, else the endpoint variables the SDK would read: a bad one is a usage error
 * before anything is sent. The flag replaces the variables for every client, so they are only
 * checked without it.
 */
export function checkEndpointUrls(flag: string | undefined, env: NodeJS.ProcessEnv): void {
  const given: [string, string][] =
    flag !== undefined
      ? [['--endpoint-url', flag]]
      : ENDPOINT_VARIABLES.flatMap((name) => {
          const value = Object.hasOwn(env, name) ? env[name] : undefined;
          return value === undefined || value === '' ? [] : [[name, value] as [string, string]];
        });
  for (const [source, value] of given) {
    const problem = endpointUrlProblem(value);
    if (problem === undefined) continue;
    const fixed = /^[\w.-]+(:\d+)?(\/.*)?$/.test(value) ? `http://${value}` : EXAMPLE;
    throw new UsageError(`${source} "${value}" ${problem}`, {
      hint: `give a full http(s) URL, e.g. ${source === '--endpoint-url' ? '--endpoint-url ' : `${source}=`}${fixed}`,
    });
  }
}
