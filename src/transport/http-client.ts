/** Sends one request with undici and records it as evidence; transport failures become evidence.error, never throws. */
import { request, type Dispatcher } from 'undici';
import { DEFAULT_MAX_RESPONSE_BYTES, readBoundedBody } from './bounded-body.js';
import type { Evidence } from './evidence.js';
import { dispatcherFor } from './dispatcher.js';
import { redactHeaders } from './redact.js';
import type { ConnectionTls } from './tls.js';
import { transportError } from './transport-error.js';

export interface TransportOptions {
  connectTimeoutMs: number;
  bodyTimeoutMs: number;
  evidenceBodyLimit: number;
  secretHeaders: readonly string[];
  /** Client certificate, CA bundle, server name for https targets (TLS 1.2 at least either way). */
  tls?: ConnectionTls;
  /** A response body longer than this many bytes is an error and is not read further (default 10 MiB). */
  maxResponseBytes?: number;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What the engine sees: the whole response body (evidence keeps a possibly truncated copy). */
export interface Exchange {
  evidence: Evidence;
  status?: number;
  headers: Record<string, string>;
  body: string;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function truncate(body: string, limit: number): { body: string; bodyTruncated?: { originalLength: number; note: string } } {
  if (body.length <= limit) return { body };
  return {
    body: body.slice(0, limit),
    bodyTruncated: { originalLength: body.length, note: `body cut at ${limit} of ${body.length} characters` },
  };
}

export async function send(req: OutgoingRequest, options: TransportOptions): Promise<Exchange> {
  const started = performance.now();
  const evidenceRequest = {
    method: req.method,
    url: req.url,
    headers: redactHeaders(req.headers, options.secretHeaders),
    ...(req.body !== undefined ? { body: req.body } : {}),
  };
  try {
    const res = await request(req.url, {
      dispatcher: dispatcherFor(options.connectTimeoutMs, options.tls) as Dispatcher,
      method: req.method as 'GET',
      headers: req.headers,
      body: req.body,
      headersTimeout: options.bodyTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      signal: AbortSignal.timeout(options.connectTimeoutMs + options.bodyTimeoutMs),
    });
    const body = await readBoundedBody(res, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    const headers = flattenHeaders(res.headers);
    const durationMs = Math.round(performance.now() - started);
    return {
      status: res.statusCode,
      headers,
      body,
      evidence: {
        request: evidenceRequest,
        response: { status: res.statusCode, headers: redactHeaders(headers, options.secretHeaders), ...truncate(body, options.evidenceBodyLimit) },
        durationMs,
      },
    };
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    return { headers: {}, body: '', evidence: { request: evidenceRequest, durationMs, error: transportError(err, options) } };
  }
}
