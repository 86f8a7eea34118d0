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

/** The body reader of a request, for listeners shared by every request (no functions made per request). */
const READER = Symbol('body reader');
type Reading = IncomingMessage & { [READER]?: BodyReader };

function onData(this: Reading, chunk: Buffer): void {
  this[READER]?.data(chunk);
}
function onEnd(this: Reading): void {
  this[READER]?.end();
}
function onError(this: Reading, error: Error): void {
  this[READER]?.error(error);
}
function onAborted(this: Reading): void {
  this[READER]?.aborted();
}
const LISTENERS: ReadonlyArray<readonly [string, typeof onData | typeof onEnd | typeof onError | typeof onAborted]> = [
  ['data', onData],
  ['end', onEnd],
  ['error', onError],
  ['aborted', onAborted],
];
function onTimeout(reader: BodyReader): void {
  reader.timedOut();
}

/** One body read as an object; its listeners are the shared functions above, its timer gets it as an argument. */
class BodyReader {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private settled = false;
  private readonly hardCap: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly req: Reading,
    private readonly limits: BodyLimits,
    private readonly resolve: (body: Buffer) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.hardCap = Math.max(limits.maxBytes * 4, limits.maxBytes + 4 * 1024 * 1024);
    this.timer = setTimeout(onTimeout, limits.timeoutMs, this);
  }

  start(): void {
    const declared = Number(this.req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.hardCap) {
      this.finish(this.tooLarge(true));
      return;
    }
    const req = this.req;
    req[READER] = this;
    for (const [event, listener] of LISTENERS) req.on(event, listener);
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
    req[READER] = undefined;
    for (const [event, listener] of LISTENERS) req.off(event, listener);
    if (error) {
      // Keep consuming so that a socket we leave open is not wedged by an unread body.
      if (!req.complete) req.resume();
      this.reject(error);
    } else this.resolve(body!);
  }

  data(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received <= this.limits.maxBytes) this.chunks.push(chunk);
    else if (this.received > this.hardCap) this.finish(this.tooLarge(true));
  }

  end(): void {
    if (this.received > this.limits.maxBytes) this.finish(this.tooLarge(false));
    else this.finish(undefined, this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received));
  }

  error(error: Error): void {
    this.finish(new ClientGoneError(error.message));
  }

  aborted(): void {
    this.finish(new ClientGoneError('the client aborted the request'));
  }

  timedOut(): void {
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
