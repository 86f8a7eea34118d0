/**
 * Reading the parts of an HTTP request that clients control, defensively: the request target,
 * the query string and the body. Every failure is an ApiError that becomes an OperationOutcome.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './outcome.js';

export interface RequestTarget {
  /** The path as sent, e.g. /Consent/abc/_history. */
  rawPath: string;
  /** The raw query string without `?` ('' when none). */
  rawQuery: string;
}

/** Splits origin-form (`/a?b`) or absolute-form (`http://h/a?b`) request targets. */
export function splitTarget(url: string | undefined): RequestTarget {
  let target = url ?? '/';
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length) || '/';
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const question = target.indexOf('?');
  return question < 0 ? { rawPath: target, rawQuery: '' } : { rawPath: target.slice(0, question), rawQuery: target.slice(question + 1) };
}

/** Decoded, non-empty path segments; a trailing slash is ignored. */
export function pathSegments(rawPath: string): string[] {
  return rawPath
    .split('/')
    .filter((s) => s !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new ApiError('PATH_NOT_DECODABLE', `The request path segment "${segment.slice(0, 80)}" is not valid percent-encoding.`);
      }
    });
}

export type QueryParams = Array<[name: string, value: string]>;

/** application/x-www-form-urlencoded query parsing that reports bad percent-encoding instead of guessing. */
export function parseQuery(rawQuery: string): QueryParams {
  const params: QueryParams = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    try {
      params.push([decodeURIComponent(rawName.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' '))]);
    } catch {
      throw new ApiError('QUERY_NOT_DECODABLE', `The query parameter "${part.slice(0, 80)}" is not valid percent-encoding.`);
    }
  }
  return params;
}

export interface BodyLimits {
  maxBytes: number;
  /** The whole body must arrive within this time. */
  timeoutMs: number;
}

/**
 * Reads the body up to `maxBytes`. Past the limit nothing more is kept: the rest is read and dropped
 * (so the client sees the 413 rather than a reset) up to a hard cap, beyond which the connection is closed.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const hardCap = Math.max(limits.maxBytes * 4, limits.maxBytes + 4 * 1024 * 1024);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const tooLarge = (closeConnection: boolean) =>
      new ApiError('BODY_TOO_LARGE', `The request body is larger than the limit of ${limits.maxBytes} bytes.`, {
        headers: closeConnection ? { Connection: 'close' } : {},
      });
    const finish = (error: Error | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) {
        // Keep consuming so that a socket we leave open is not wedged by an unread body.
        if (!req.complete) req.resume();
        reject(error);
      } else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limits.maxBytes) chunks.push(chunk);
      else if (received > hardCap) finish(tooLarge(true));
    };
    const onEnd = () => (received > limits.maxBytes ? finish(tooLarge(false)) : finish(undefined, Buffer.concat(chunks, received)));
    const onError = (error: Error) => finish(new ClientGoneError(error.message));
    const onAborted = () => finish(new ClientGoneError('the client aborted the request'));
    const timer = setTimeout(
      () => finish(new ApiError('BODY_TIMEOUT', `The request body did not arrive within ${limits.timeoutMs} ms.`, { headers: { Connection: 'close' } })),
      limits.timeoutMs,
    );
    if (Number.isFinite(declared) && declared > hardCap) {
      finish(tooLarge(true));
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** The client disconnected: there is nobody to answer. */
export class ClientGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientGoneError';
  }
}
