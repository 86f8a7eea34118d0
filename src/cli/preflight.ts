/**
 * Before any scenario runs, one connection to the target: if it cannot be reached, the run
 * stops with a single clear message (exit 3) instead of a wall of identical failures.
 */
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface Reachability {
  ok: boolean;
  reason?: string;
}

export function checkReachable(targetUrl: string, timeoutMs: number): Promise<Reachability> {
  const url = new URL(targetUrl);
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    // Only the TCP connection is checked here; a TLS handshake failure surfaces in the first exchange.
    const socket = secure ? tlsConnect({ host, port, servername: host, rejectUnauthorized: false }) : connect({ host, port });
    const done = (result: Reachability) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, reason: `no connection to ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => done({ ok: true }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `${e.code ?? 'error'} connecting to ${host}:${port}: ${e.message}` }));
  });
}
