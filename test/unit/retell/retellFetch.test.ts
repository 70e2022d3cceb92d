// The fetch the Retell client uses: the resend of a GET that a kept-alive connection dropped unanswered, and the
// bounded read of a body.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { describe, expect, it, vi } from 'vitest';
import { createRetellFetch, ResponseTooLargeError, readBody } from '../../../lib/retell/retellFetch';
import { captureWarnings } from '../../support/stdio';
import { rejection } from '../../support/thrown';

interface Seen {
  method: string | undefined;
  headers: IncomingHttpHeaders;
}

/**
 * A server that answers the first request (so the client keeps its connection), drops the second on that connection
 * before answering a byte, and answers every later one with `answer`. Runs `use` with its base URL, then closes it.
 */
async function withDroppingServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
  use: (baseUrl: string, seen: Seen[]) => Promise<void>,
  tls?: { cert: string; key: string },
): Promise<void> {
  const seen: Seen[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method, headers: req.headers });
    req.resume();
    if (seen.length === 1) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('first');
    if (seen.length === 2) return void req.socket.destroy();
    answer(req, res);
  };
  const server = tls ? createTlsServer(tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const first = await fetch(`${baseUrl}/warm`);
    await first.text();
    await new Promise((resolve) => setImmediate(resolve));
    await use(baseUrl, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('createRetellFetch, a GET dropped unanswered on a kept-alive connection', () => {
  it('is sent again with its headers, and answered with the status, status text, headers and body of the resend', async () => {
    const raw =
      'HTTP/1.1 503 Slow Down\r\nContent-Type: application/json\r\nX-Request-Id: r1\r\nContent-Length: 7\r\n' +
      'Connection: close\r\n\r\n{"a":1}';
    await withDroppingServer(
      (req) => req.socket.end(raw),
      async (baseUrl, seen) => {
        const response = await createRetellFetch()(`${baseUrl}/x`, {
          headers: { authorization: 'Bearer key_test', accept: 'application/json' },
        });

        expect(seen).toHaveLength(3);
        expect(seen[2]).toMatchObject({
          method: 'GET',
          headers: { authorization: 'Bearer key_test', accept: 'application/json' },
        });
        expect(response.status).toBe(503);
        expect(response.statusText).toBe('Slow Down');
        expect(Object.fromEntries(response.headers)).toEqual({
          'content-type': 'application/json',
          'x-request-id': 'r1',
          'content-length': '7',
          connection: 'close',
        });
        await expect(response.text()).resolves.toBe('{"a":1}');
      },
    );
  });

  it('is sent again over TLS when the URL is https', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    // The certificate is made here, so no CA trusts it; Node reads NODE_TLS_REJECT_UNAUTHORIZED at each connection,
    // and warns once per process that it is insecure: that warning is this test's doing, and nothing else is.
    const warnings = captureWarnings();
    vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0');
    try {
      await withDroppingServer(
        (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('second, encrypted'),
        async (baseUrl, seen) => {
          const response = await createRetellFetch()(`${baseUrl}/x`, { headers: {} });
          await expect(response.text()).resolves.toBe('second, encrypted');
          expect(seen).toHaveLength(3);
        },
        { cert: pems.cert, key: pems.private },
      );
    } finally {
      vi.unstubAllEnvs();
    }
    for (const warning of warnings) expect(warning).toMatch(/^Setting the NODE_TLS_REJECT_UNAUTHORIZED environment/);
  });

  it('is sent again when the call gave no options at all', async () => {
    await withDroppingServer(
      (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('second'),
      async (baseUrl) => {
        const response = await createRetellFetch()(`${baseUrl}/x`);
        await expect(response.text()).resolves.toBe('second');
      },
    );
  });

  it.each([204, 205, 304])('answers a resend that Retell answers with %i with an empty body', async (status) => {
    await withDroppingServer(
      (_req, res) => res.writeHead(status).end(),
      async (baseUrl) => {
        const response = await createRetellFetch()(`${baseUrl}/x`, { headers: {} });
        expect(response.status).toBe(status);
        await expect(response.text()).resolves.toBe('');
      },
    );
  });

  it('fails as fetch does, with the dropped connection as the cause, when the resend is dropped too', async () => {
    await withDroppingServer(
      (req) => req.socket.destroy(),
      async (baseUrl, seen) => {
        const error = await rejection(TypeError, createRetellFetch()(`${baseUrl}/x`, { headers: {} }));
        expect(error.message).toBe('fetch failed');
        expect(error.cause).toMatchObject({ code: 'ECONNRESET' });
        expect(seen).toHaveLength(3);
      },
    );
  });

  it('is not sent again when it is a POST', async () => {
    await withDroppingServer(
      (_req, res) => res.writeHead(200).end('second'),
      async (baseUrl, seen) => {
        const error = await rejection(TypeError, createRetellFetch()(`${baseUrl}/x`, { method: 'POST', body: '{}' }));
        expect(error.message).toBe('fetch failed');
        expect(seen).toHaveLength(2);
      },
    );
  });
});

describe('readBody', () => {
  it('reads a response without a body as empty text', async () => {
    await expect(readBody(new Response(null, { status: 204 }))).resolves.toBe('');
  });

  it('reads a body of exactly the limit, declared or not', async () => {
    await expect(readBody(new Response('0123456789', { headers: { 'content-length': '10' } }), 10)).resolves.toBe(
      '0123456789',
    );
    await expect(readBody(new Response('0123456789'), 10)).resolves.toBe('0123456789');
  });

  it('refuses a body declared over the limit without reading any of it, naming the limit', async () => {
    let pulls = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          controller.enqueue(new TextEncoder().encode('01234567890'));
          controller.close();
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );

    const error = await rejection(
      ResponseTooLargeError,
      readBody(new Response(stream, { headers: { 'content-length': '11' } }), 10),
    );

    expect(error.name).toBe('ResponseTooLargeError');
    expect(error.message).toBe('response body over 10 bytes; not read further');
    expect(pulls).toBe(0);
    expect(cancelled).toBe(true);
  });

  it('decodes UTF-8 whose characters are split across chunks', async () => {
    const bytes = new TextEncoder().encode('Zoë → 東京');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    await expect(readBody(new Response(stream))).resolves.toBe('Zoë → 東京');
  });
});
