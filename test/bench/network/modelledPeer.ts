// A local server made to cost what a real one costs from a Lambda: a fixed round-trip time on every exchange, and
// TLS with a certificate the children trust (NODE_EXTRA_CA_CERTS), so connection set-up and handshakes are paid.
//
//   client ──TCP──▶ delay line (RTT/2 each way, one RTT more for the TCP handshake) ──▶ TLS terminator ──▶ stand-in
//
// The delay line sits in front of the TLS terminator, so the handshake's own round trips are delayed too.
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface Certificate {
  /** PEM. */
  cert: string;
  /** PEM. */
  key: string;
}

export interface ModelledPeer {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Connections opened to it so far: each one paid a TCP and a TLS handshake. */
  connections(): number;
  close(): Promise<void>;
}

/** Fronts `target` (http://127.0.0.1:<port>) with TLS and a round-trip time of `rttMs` ms. */
export async function startModelledPeer(
  target: string,
  rttMs: number,
  certificate: Certificate,
): Promise<ModelledPeer> {
  const { port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };

  const terminator = createTlsServer(certificate, (clear) => {
    const upstream = track(connect(Number(targetPort), '127.0.0.1'));
    clear.pipe(upstream).pipe(clear);
    clear.once('error', () => upstream.destroy());
    upstream.once('error', () => clear.destroy());
  });
  const terminatorPort = await listen(terminator);

  let connections = 0;
  const delayLine = createTcpServer((client) => {
    connections++;
    track(client);
    const upstream = track(connect(terminatorPort, '127.0.0.1'));
    // TCP's own handshake costs one round trip before the client's first byte can leave.
    pipeDelayed(client, upstream, rttMs / 2, rttMs);
    pipeDelayed(upstream, client, rttMs / 2, 0);
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  const port = await listen(delayLine);

  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([close(delayLine), close(terminator)]);
    },
  };
}

/** Forwards every chunk `delayMs` later, in order; the first chunk waits `firstExtraMs` more. */
function pipeDelayed(from: Socket, to: Socket, delayMs: number, firstExtraMs: number): void {
  let notBefore = performance.now() + firstExtraMs;
  from.on('data', (chunk) => {
    const at = Math.max(performance.now() + delayMs, notBefore);
    notBefore = at;
    setTimeout(() => to.writable && to.write(chunk), at - performance.now());
  });
  from.once('end', () => {
    setTimeout(() => to.writable && to.end(), Math.max(0, notBefore - performance.now()));
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
