import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface SilentServer {
  endpoint: string;
  /** Connections accepted so far: one per attempt, since an attempt that timed out drops its socket. */
  connections: () => number;
  /** Requests received and left unanswered (with `answerIdentity`, the account check is not one). */
  held: () => number;
  /** What each held request asked: its `Action` (CloudFormation, STS) or `METHOD /path` (S3). */
  heldRequests: () => string[];
  close(): Promise<void>;
}

/** What moto answers to STS GetCallerIdentity. */
const CALLER_IDENTITY =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  '<UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account><Arn>arn:aws:sts::123456789012:user/moto</Arn>' +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

/**
 * A server on loopback that accepts every connection and never writes a byte: a hung endpoint.
 * With `answerIdentity` it answers the account check before a run (STS GetCallerIdentity) and
 * hangs on everything else, so a run gets past its pre-flight and hangs on its first stack call.
 */
export async function startSilentServer(options: { answerIdentity?: boolean } = {}): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const heldRequests: string[] = [];
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    let request = '';
    socket.on('data', (chunk: Buffer) => {
      request += chunk.toString('latin1');
      const headerEnd = request.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(request.slice(0, headerEnd))?.[1] ?? 0);
      if (request.length < headerEnd + 4 + length) return;
      const head = request.slice(0, headerEnd);
      const body = request.slice(headerEnd + 4, headerEnd + 4 + length);
      request = request.slice(headerEnd + 4 + length);
      if (options.answerIdentity === true && body.includes('Action=GetCallerIdentity')) {
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: ${Buffer.byteLength(CALLER_IDENTITY)}\r\n\r\n${CALLER_IDENTITY}`,
        );
      } else {
        const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
        heldRequests.push(action ?? /^(\S+ \S+)/.exec(head)?.[1] ?? '?');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    held: () => heldRequests.length,
    heldRequests: () => [...heldRequests],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
