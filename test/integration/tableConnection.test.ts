// The cold start's early connection: opened before any table request, then reused by the SDK's first request.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '../../infra/local/localDynamo';
import { createTableConnection } from '../../lib/config/tableConnection';

const closers: (() => Promise<void>)[] = [];
const savedEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  else process.env.AWS_ENDPOINT_URL_DYNAMODB = savedEndpoint;
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A TCP front for dynalite that counts the connections made to it and the requests seen, by method and path. */
async function countedDynamo(): Promise<{ connections: () => number; requests: string[] }> {
  const dynamo = await startLocalDynamo();
  closers.push(() => dynamo.close());
  const requests: string[] = [];
  let connections = 0;
  const front = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = new URL(req.url ?? '/', dynamo.endpoint);
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = await fetch(upstream, {
        method: req.method ?? 'GET',
        headers: Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<
          string,
          string
        >,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  front.on('connection', () => connections++);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = await listen(front);
  return { connections: () => connections, requests };
}

describe('createTableConnection', () => {
  it('opens a connection with GET / before any table request, and the first request reuses it', async () => {
    const peer = await countedDynamo();
    const connection = createTableConnection();

    await connection.open();
    expect(peer.connections()).toBe(1);
    expect(peer.requests).toEqual(['GET /']);

    await connection.client.send(new ListTablesCommand({}));
    expect(peer.connections()).toBe(1);
    expect(peer.requests).toEqual(['GET /', 'POST /']);
    connection.client.destroy();
  });

  it('resolves, without an error, when nothing listens', async () => {
    const unused = createHttpServer();
    const address = await listen(unused);
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    process.env.AWS_ENDPOINT_URL_DYNAMODB = address;
    const connection = createTableConnection();

    await expect(connection.open()).resolves.toBeUndefined();
    connection.client.destroy();
  });
});
