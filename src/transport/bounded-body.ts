/**
 * Reads a response body up to a size limit. A target that sends more (a runaway or hostile response) is
 * cut off there: the connection is dropped and the body is never held whole in memory.
 */
import type { Dispatcher } from 'undici';

/** Far above any NDOP response (a patient holds one or two Consents), far below what could exhaust memory. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE';
}

function tooLarge(res: Dispatcher.ResponseData, limit: number, seen: string): ResponseTooLargeError {
  res.body.destroy();
  const type = res.headers['content-type'];
  return new ResponseTooLargeError(
    `the target answered ${res.statusCode}${type ? ` ${String(type)}` : ''} with a body over the limit of ${limit} bytes (${seen}); ` +
    'reading stopped there (maxResponseBytes)');
}

/** The body as text (UTF-8, as undici's own text() decodes it), or a ResponseTooLargeError past `limit` bytes. */
export async function readBoundedBody(res: Dispatcher.ResponseData, limit: number): Promise<string> {
  const declared = Number(res.headers['content-length']);
  if (declared > limit) throw tooLarge(res, limit, `Content-Length ${declared}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(res, limit, `more than ${limit} bytes received`);
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}
