/** Choosing the response representation of one request (FHIR STU3 http, "Content Types and encodings"). */
import type { IncomingMessage } from 'node:http';
import { DEFAULT_MIME, negotiateResponse, requestBodyFormat } from '../fhir/mime.js';
import type { MediaChoice } from '../fhir/mime.js';
import { ApiError } from './outcome.js';
import type { QueryParams } from './request-io.js';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The response representation: _format, then Accept, then the body's own format, then JSON. */
export function negotiate(req: IncomingMessage, query: QueryParams | undefined): { media: MediaChoice; error?: ApiError } {
  const body = requestBodyFormat(header(req, 'content-type'));
  const fallback = body.ok ? body.value.format : 'json';
  const formatParam = query?.find(([name]) => name === '_format')?.[1];
  const negotiated = negotiateResponse({ formatParam, accept: header(req, 'accept'), fallback });
  if (negotiated.ok) return { media: negotiated.value };
  return { media: { format: 'json', mime: DEFAULT_MIME.json }, error: new ApiError('NOT_ACCEPTABLE', negotiated.reason) };
}
