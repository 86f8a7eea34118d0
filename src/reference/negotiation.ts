/** Choosing the response representation of one request (FHIR STU3 http, "Content Types and encodings"). */
import type { IncomingMessage } from 'node:http';
import { DEFAULT_MIME, negotiateResponse, requestBodyFormat } from '../fhir/mime.js';
import type { MediaChoice, Negotiated, WireFormat } from '../fhir/mime.js';
import { ApiError } from './outcome.js';
import type { QueryParams } from './request-io.js';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Clients send the same few header values over and over: each is parsed once. The answers are frozen
 * (nobody may edit a shared choice) and each memo is emptied when it fills, so odd values cannot grow it.
 */
const MEMO_LIMIT = 64;

function memoised<T>(memo: Map<string, T>, key: string, compute: () => T): T {
  let value = memo.get(key);
  if (value === undefined) {
    value = compute();
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
  }
  return value;
}

const bodyFormats = new Map<string, Negotiated<MediaChoice>>();
const acceptChoices: Record<WireFormat, Map<string, Negotiated<MediaChoice>>> = { json: new Map(), xml: new Map() };

function frozen(negotiated: Negotiated<MediaChoice>): Negotiated<MediaChoice> {
  if (negotiated.ok) Object.freeze(negotiated.value);
  return Object.freeze(negotiated);
}

/** requestBodyFormat of a Content-Type header value, parsed once per distinct value. */
export function bodyFormatOf(contentType: string | undefined): Negotiated<MediaChoice> {
  return contentType === undefined ? requestBodyFormat(contentType) : memoised(bodyFormats, contentType, () => frozen(requestBodyFormat(contentType)));
}

/** The response representation: _format, then Accept, then the body's own format, then JSON. */
export function negotiate(req: IncomingMessage, query: QueryParams | undefined): { media: MediaChoice; error?: ApiError } {
  const body = bodyFormatOf(header(req, 'content-type'));
  const fallback = body.ok ? body.value.format : 'json';
  const formatParam = query?.find(([name]) => name === '_format')?.[1];
  const accept = header(req, 'accept');
  const negotiated =
    formatParam === undefined && accept !== undefined
      ? memoised(acceptChoices[fallback], accept, () => frozen(negotiateResponse({ accept, fallback })))
      : negotiateResponse({ formatParam, accept, fallback });
  if (negotiated.ok) return { media: negotiated.value };
  return { media: { format: 'json', mime: DEFAULT_MIME.json }, error: new ApiError('NOT_ACCEPTABLE', negotiated.reason) };
}
