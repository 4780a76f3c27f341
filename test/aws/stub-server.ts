import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** One awsQuery request as the stub received it. */
export interface StubRequest {
  action: string;
  params: URLSearchParams;
  /** The SigV4 `authorization` header: shows which credentials and region signed the request. */
  authorization: string;
}

export interface StubReply {
  status: number;
  body: string;
  contentType?: string;
}

export interface StubServer {
  endpoint: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A tiny CloudFormation stand-in on 127.0.0.1 that answers each request with whatever `reply`
 * returns: for wire-level cases moto cannot produce (throttling, pagination, exact error codes).
 */
export async function startStub(reply: (request: StubRequest, index: number) => StubReply): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const params = new URLSearchParams(body);
      const request = { action: params.get('Action') ?? '', params, authorization: req.headers.authorization ?? '' };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/xml' });
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export function errorReply(code: string, message: string, status = 400): StubReply {
  return {
    status,
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
  };
}

export function resultReply(action: string, resultXml: string): StubReply {
  return {
    status: 200,
    body: `<${action}Response xmlns="${NS}"><${action}Result>${resultXml}</${action}Result><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** For actions whose response has no result element. */
export function emptyReply(action: string): StubReply {
  return {
    status: 200,
    body: `<${action}Response xmlns="${NS}"><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></${action}Response>`,
  };
}
