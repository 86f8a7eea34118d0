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
  // Origin form (the usual case) starts with '/': only other targets can be absolute.
  const absolute = target.charCodeAt(0) === 47 /* / */ ? null : /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length) || '/';
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const question = target.indexOf('?');
  return question < 0 ? { rawPath: target, rawQuery: '' } : { rawPath: target.slice(0, question), rawQuery: target.slice(question + 1) };
}

/** Decoded, non-empty path segments; a trailing slash is ignored. */
export function pathSegments(rawPath: string): string[] {
  const segments: string[] = [];
  const encoded = rawPath.includes('%');
  for (const segment of rawPath.split('/')) {
    if (segment === '') continue;
    // Without a '%' there is nothing to decode.
    segments.push(encoded ? decodeSegment(segment) : segment);
  }
  return segments;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('PATH_NOT_DECODABLE', `The request path segment "${segment.slice(0, 80)}" is not valid percent-encoding.`);
  }
}

export type QueryParams = Array<[name: string, value: string]>;

/** application/x-www-form-urlencoded query parsing that reports bad percent-encoding instead of guessing. */
export function parseQuery(rawQuery: string): QueryParams {
  const params: QueryParams = [];
  if (rawQuery === '') return params;
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
  return new Promise<Buffer>((resolve, reject) => {
    new BodyReader(req, limits, resolve, reject).start();
  });
}

/**
 * One body read as an object rather than a nest of closures: its listeners are bound methods, made
 * once per request without the per-closure naming work a transpiler may add to every arrow function.
 */
class BodyReader {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private settled = false;
  private readonly hardCap: number;
  private readonly timer: NodeJS.Timeout;
  private readonly onData = this.data.bind(this);
  private readonly onEnd = this.end.bind(this);
  private readonly onError = this.error.bind(this);
  private readonly onAborted = this.aborted.bind(this);

  constructor(
    private readonly req: IncomingMessage,
    private readonly limits: BodyLimits,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.hardCap = Math.max(limits.maxBytes * 4, limits.maxBytes + 4 * 1024 * 1024);
    this.timer = setTimeout(this.timedOut.bind(this), limits.timeoutMs);
  }

  start(): void {
    const declared = Number(this.req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.hardCap) {
      this.finish(this.tooLarge(true));
      return;
    }
    this.req.on('data', this.onData);
    this.req.on('end', this.onEnd);
    this.req.on('error', this.onError);
    this.req.on('aborted', this.onAborted);
  }

  private tooLarge(closeConnection: boolean): ApiError {
    return new ApiError('BODY_TOO_LARGE', `The request body is larger than the limit of ${this.limits.maxBytes} bytes.`, {
      headers: closeConnection ? { Connection: 'close' } : {},
    });
  }

  private finish(error: Error | undefined, body?: Buffer): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const req = this.req;
    req.off('data', this.onData);
    req.off('end', this.onEnd);
    req.off('error', this.onError);
    req.off('aborted', this.onAborted);
    if (error) {
      // Keep consuming so that a socket we leave open is not wedged by an unread body.
      if (!req.complete) req.resume();
      this.reject(error);
    } else this.resolve(body!);
  }

  private data(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received <= this.limits.maxBytes) this.chunks.push(chunk);
    else if (this.received > this.hardCap) this.finish(this.tooLarge(true));
  }

  private end(): void {
    if (this.received > this.limits.maxBytes) this.finish(this.tooLarge(false));
    else this.finish(undefined, this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received));
  }

  private error(error: Error): void {
    this.finish(new ClientGoneError(error.message));
  }

  private aborted(): void {
    this.finish(new ClientGoneError('the client aborted the request'));
  }

  private timedOut(): void {
    this.finish(new ApiError('BODY_TIMEOUT', `The request body did not arrive within ${this.limits.timeoutMs} ms.`, { headers: { Connection: 'close' } }));
  }
}

/** The client disconnected: there is nobody to answer. */
export class ClientGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientGoneError';
  }
}
