// How the Retell client reaches Retell: Node's fetch, with one retry of a request that a kept-alive connection dropped
// before answering, and a bounded read of the answer.
import { subscribe } from 'node:diagnostics_channel';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';

/** The largest response body read from Retell, in bytes (1 MiB): a phone number object is a few KiB. */
export const MAX_RESPONSE_BYTES = 1_048_576;

/** A response body longer than MAX_RESPONSE_BYTES: reading stopped there. */
export class ResponseTooLargeError extends Error {
  constructor(limit: number, options?: ErrorOptions) {
    super(`response body over ${limit} bytes; not read further`, options);
    this.name = 'ResponseTooLargeError';
  }
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Node's fetch, with one retry: a GET sent on a kept-alive connection that the peer closed before sending a single
 * byte back (the race between a server's keep-alive timeout and our next request) is sent once more, at once, on a
 * new connection of its own, under the same signal. Node's fetch cannot be told to open a new connection (that takes
 * undici's own Agent), so the retry goes through node:http with no agent. Read the body with `readBody`.
 */
export function createRetellFetch(base: Fetch = fetch): Fetch {
  return async (input, init) => {
    try {
      return await base(input, init);
    } catch (error) {
      const method = (init?.method ?? 'GET').toUpperCase();
      if (method !== 'GET' || init?.signal?.aborted || !droppedUnanswered(error)) throw error;
      return fetchOnNewConnection(String(input instanceof Request ? input.url : input), init);
    }
  };
}

/**
 * The body as UTF-8 text, read to at most `limit` bytes. Throws ResponseTooLargeError when it is longer (by its
 * Content-Length, before reading, or as it streams), cancelling the rest; rethrows a failed read.
 */
export async function readBody(response: Response, limit = MAX_RESPONSE_BYTES): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  if (Number(response.headers.get('content-length')) > limit) {
    void body.cancel();
    throw new ResponseTooLargeError(limit);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    received += read.value.byteLength;
    if (received > limit) {
      void reader.cancel();
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(read.value);
  }
  return chunks.length === 1
    ? Buffer.from(chunks[0] as Uint8Array).toString('utf8')
    : Buffer.concat(chunks).toString('utf8');
}

// Which requests were dropped unanswered, from undici's documented diagnostics channels (undici
// docs/api/DiagnosticsChannel.md): the socket a request went out on, how many bytes that socket had read by then, and
// whether it had carried a request before. A request fails unanswered when its socket read nothing more.
const sentOn = new WeakMap<object, { socket: Socket; bytesRead: number; reused: boolean }>();
const usedSockets = new WeakSet<Socket>();
const unanswered = new WeakSet<object>();
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

subscribe('undici:client:sendHeaders', (message) => {
  const { request, socket } = message as { request: object; socket: Socket };
  sentOn.set(request, { socket, bytesRead: socket.bytesRead, reused: usedSockets.has(socket) });
  usedSockets.add(socket);
});
subscribe('undici:request:error', (message) => {
  const { request, error } = message as { request: object; error: unknown };
  const sent = sentOn.get(request);
  if (sent?.reused && sent.socket.bytesRead === sent.bytesRead && typeof error === 'object' && error !== null) {
    unanswered.add(error);
  }
});

/** fetch's "fetch failed" TypeError caused by a kept-alive connection closing before any byte of the answer. */
function droppedUnanswered(error: unknown): boolean {
  const cause: unknown = error instanceof TypeError ? error.cause : undefined;
  // WeakSet.has answers false for anything that is not an object: only a recorded error passes.
  return unanswered.has(cause as object) && CLOSED_CODES.has(String((cause as { code?: unknown }).code));
}

/** One GET on a connection opened for it alone. Redirects are not followed, as with `redirect: 'manual'`. */
function fetchOnNewConnection(url: string, init: RequestInit | undefined): Promise<Response> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // node:http's default method is GET.
    const outgoing = request(target, {
      headers: Object.fromEntries(new Headers(init?.headers)),
      agent: false,
      ...(init?.signal ? { signal: init.signal } : {}),
    });
    outgoing.once('response', (incoming: IncomingMessage) => resolve(toResponse(incoming)));
    outgoing.once('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
    outgoing.end();
  });
}

function toResponse(incoming: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
    headers.append(incoming.rawHeaders[i] as string, incoming.rawHeaders[i + 1] as string);
  }
  const status = incoming.statusCode ?? 502;
  const empty = status === 204 || status === 205 || status === 304;
  if (empty) incoming.resume();
  const body = empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: incoming.statusMessage ?? '', headers });
}
