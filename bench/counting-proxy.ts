/**
 * A loopback proxy in front of moto that counts every AWS API request by `service:Action`
 * (CloudFormation and STS send `Action=` in a form body, JSON services an `X-Amz-Target`), so
 * tools that keep no count of their own (the CDK CLI, the AWS CLI) can be compared by calls.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  endpoint: string;
  /** Requests by `service:Action` since the last `reset()`. */
  counts(): Record<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

function callOf(request: IncomingMessage, body: string): string {
  const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '?';
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') return `${service}:${target.slice(target.lastIndexOf('.') + 1)}`;
  return `${service}:${new URLSearchParams(body).get('Action') ?? request.method ?? '?'}`;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstreamUrl = new URL(target);
  let counts: Record<string, number> = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = callOf(req, body.toString('utf8'));
      counts[call] = (counts[call] ?? 0) + 1;
      const upstream = httpRequest(
        {
          host: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstreamUrl.host },
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
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    reset: () => {
      counts = {};
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
