/**
 * A transport failure as the reports show it: a stable code and a sentence saying what the target did,
 * with the limit that applied, so a reader can tell a silent server from a slow or a broken one.
 */
import { errors } from 'undici';

export interface TransportTimeouts {
  connectTimeoutMs: number;
  bodyTimeoutMs: number;
}

export function transportError(err: unknown, timeouts: TransportTimeouts): { code: string; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.ConnectTimeoutError) {
    return { code: 'CONNECT_TIMEOUT', message: `no connection within the connect timeout of ${timeouts.connectTimeoutMs} ms (${message})` };
  }
  if (err instanceof errors.HeadersTimeoutError) {
    return { code: 'HEADERS_TIMEOUT', message: `the target accepted the connection but sent no response headers within ${timeouts.bodyTimeoutMs} ms` };
  }
  if (err instanceof errors.BodyTimeoutError) {
    return { code: 'BODY_TIMEOUT', message: `the response body stalled: nothing arrived for ${timeouts.bodyTimeoutMs} ms` };
  }
  // The whole-exchange deadline (AbortSignal.timeout): a target that keeps trickling never trips the body timeout.
  if (err instanceof Error && err.name === 'TimeoutError') {
    const total = timeouts.connectTimeoutMs + timeouts.bodyTimeoutMs;
    return { code: 'RESPONSE_TIMEOUT', message: `no complete response within ${total} ms (connect timeout plus body timeout); the target was still sending or had not answered` };
  }
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.cause?.code === 'string' ? e.cause.code : typeof e.code === 'string' ? e.code : 'TRANSPORT_ERROR';
  if (code === 'ECONNRESET') return { code, message: `the target reset the connection (${message})` };
  if (code === 'UND_ERR_SOCKET') return { code, message: `the target closed the connection before the response was complete (${message})` };
  return { code, message };
}
