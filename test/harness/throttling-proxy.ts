/**
 * A throttling proxy on loopback in front of the moto server: it answers a fraction of the
 * CloudFormation and SSM requests as AWS does when an account goes over its API rate (HTTP 400,
 * `Throttling` / `Rate exceeded`), and forwards everything else to moto unchanged. Every
 * CloudFormation and SSM request that reaches it is counted, throttled or not.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { seededRandom as seeded } from '../../src/aws/resilient-ports.js';

export interface ThrottlingProxyOptions {
  /** moto's endpoint, `http://127.0.0.1:PORT`. */
  target: string;
  /** Fraction of CloudFormation and SSM requests answered `Throttling`. */
  rate: number;
  /** @default 1 */
  seed?: number;
  /**
   * At most this many identical requests in a row are throttled (a retry resends the same body):
   * for calls the test must see succeed, such as writes, whose attempts stay bounded. Reads
   * named in `alwaysThrottleFirst` are exempt.
   */
  maxInARow: number;
  /** Actions whose first call is refused this many times in a row, whatever the rate. */
  alwaysThrottleFirst?: Readonly<Record<string, number>>;
}

export interface ThrottlingProxy {
  endpoint: string;
  /** CloudFormation and SSM requests that reached the proxy, throttled or forwarded. */
  requests(): number;
  throttled(): number;
  /** Requests by action (`DescribeStacks`, `GetParameter` ...), throttled ones included. */
  byAction(): Record<string, number>;
  close(): Promise<void>;
}

const CLOUDFORMATION_THROTTLED = (requestId: string): string =>
  `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `cloudformation` or `ssm` (awsQuery form body, or JSON with X-Amz-Target), else undefined. */
function classify(
  request: IncomingMessage,
  body: string,
): { service: 'cloudformation' | 'ssm'; action: string } | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AmazonSSM.'))
    return { service: 'ssm', action: target.slice('AmazonSSM.'.length) };
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
  if (scope !== 'cloudformation') return undefined;
  return { service: 'cloudformation', action: new URLSearchParams(body).get('Action') ?? '?' };
}

export async function startThrottlingProxy(options: ThrottlingProxyOptions): Promise<ThrottlingProxy> {
  const random = seeded(options.seed ?? 1);
  const target = new URL(options.target);
  let requests = 0;
  let throttled = 0;
  const actions: Record<string, number> = {};
  const inARow = new Map<string, number>();
  const firstRefusals = new Map(Object.entries(options.alwaysThrottleFirst ?? {}));

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse): void => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const text = body.toString('utf8');
      const call = classify(req, text);
      if (!call) {
        forward(req, body, res);
        return;
      }
      requests += 1;
      actions[call.action] = (actions[call.action] ?? 0) + 1;
      const key = `${call.action} ${text}`;
      const row = inARow.get(key) ?? 0;
      const forced = firstRefusals.get(call.action);
      const refuse = forced !== undefined ? row < forced : row < options.maxInARow && random() < options.rate;
      if (!refuse) {
        inARow.delete(key);
        if (forced !== undefined) firstRefusals.delete(call.action);
        forward(req, body, res);
        return;
      }
      inARow.set(key, row + 1);
      throttled += 1;
      const requestId = `throttled-${throttled}`;
      if (call.service === 'ssm') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
      } else {
        res.writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(CLOUDFORMATION_THROTTLED(requestId));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    throttled: () => throttled,
    byAction: () => ({ ...actions }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
