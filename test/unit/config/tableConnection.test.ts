// The cold start's early connection, against a local HTTP stand-in for DynamoDB that counts connections and requests.
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTableConnection } from '../../../lib/config/tableConnection';

// The https request function as it is, recording where it was asked to connect; a test of an AWS endpoint swaps in a
// request that fails at once, so no test reaches AWS.
vi.mock('node:https', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:https')>();
  return { ...actual, request: vi.fn(actual.request) };
});

const closers: (() => Promise<void>)[] = [];
const VARIABLES = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  for (const name of VARIABLES) restore(name, saved[name]);
  vi.mocked(https.request).mockClear();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** Answers GET / with DynamoDB's health string and any POST as an empty ListTables, counting connections. */
async function dynamoStandIn(): Promise<{ connections: () => number; requests: string[] }> {
  const requests: string[] = [];
  let connections = 0;
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume().once('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('healthy: dynamodb.local');
      } else {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}');
      }
    });
  });
  server.on('connection', () => connections++);
  const port = await listen(server);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_REGION = 'us-east-1';
  return { connections: () => connections, requests };
}

describe('createTableConnection', () => {
  it('opens a connection with GET / before any table request, and the first request reuses it', async () => {
    const peer = await dynamoStandIn();
    const connection = createTableConnection();

    await connection.open();
    expect(peer.connections()).toBe(1);
    expect(peer.requests).toEqual(['GET /']);

    await expect(connection.client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
    expect(peer.connections()).toBe(1);
    expect(peer.requests).toEqual(['GET /', 'POST /']);
    connection.client.destroy();
  });

  it('opens the connection to the root of an endpoint given with a path', async () => {
    const peer = await dynamoStandIn();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `${process.env.AWS_ENDPOINT_URL_DYNAMODB}/some/path`;
    const connection = createTableConnection();

    await connection.open();
    expect(peer.requests).toEqual(['GET /']);
    connection.client.destroy();
  });

  it('speaks TLS to an https endpoint', async () => {
    const firstBytes: Buffer[] = [];
    const server = createTcpServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        firstBytes.push(chunk);
        socket.destroy();
      });
    });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `https://127.0.0.1:${await listen(server)}`;
    const connection = createTableConnection();

    await expect(connection.open()).resolves.toBeUndefined();
    // A TLS record starts with its content type, 22 for a handshake (RFC 8446, section 5.1); plain HTTP with "GET".
    expect(firstBytes[0]?.[0]).toBe(22);
    connection.client.destroy();
  });

  it('resolves, without an error, when nothing listens', async () => {
    const unused = createHttpServer();
    const port = await listen(unused);
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
    const connection = createTableConnection();

    await expect(connection.open()).resolves.toBeUndefined();
    connection.client.destroy();
  });

  it.each([
    ['the region', {}, 'https://dynamodb.eu-west-1.amazonaws.com/'],
    [
      'the FIPS endpoint, when asked for',
      { AWS_USE_FIPS_ENDPOINT: 'true' },
      'https://dynamodb-fips.eu-west-1.amazonaws.com/',
    ],
    [
      'the dual-stack endpoint, when asked for',
      { AWS_USE_DUALSTACK_ENDPOINT: 'true' },
      'https://dynamodb.eu-west-1.api.aws/',
    ],
  ])('without a configured endpoint, opens the connection to %s', async (_case, variables, expected) => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_REGION = 'eu-west-1';
    Object.assign(process.env, variables);
    vi.mocked(https.request).mockImplementationOnce(() => {
      const refused = Object.assign(new EventEmitter(), {
        end: () => queueMicrotask(() => refused.emit('error', new Error('not contacted in tests'))),
      });
      return refused as unknown as ReturnType<typeof https.request>;
    });
    const connection = createTableConnection();

    await expect(connection.open()).resolves.toBeUndefined();
    expect(vi.mocked(https.request)).toHaveBeenCalledTimes(1);
    expect(String(vi.mocked(https.request).mock.calls[0]?.[0])).toBe(expected);
    connection.client.destroy();
  });
});
