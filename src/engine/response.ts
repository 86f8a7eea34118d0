/** A received response as the assertions see it: status, headers, and the body parsed when it is FHIR. */
import { parseResource, type Format, type Resource } from '../fhir/index.js';

export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Format named by Content-Type, when it names one. */
  format?: Format;
  /**
   * The format the body was read in by its first character, because the Content-Type named neither XML nor
   * JSON. A body read this way that parses is FHIR sent under a wrong media type (checkFhirMediaType).
   */
  sniffed?: Format;
  resource?: Resource;
  /** Why the body could not be read as a FHIR resource (empty, unknown media type, parse error). */
  parseError?: string;
  /** True when the body has zero bytes: where a resource is required that is proven, not merely unreadable. */
  empty: boolean;
}

export function formatOfContentType(contentType: string | undefined): Format | undefined {
  if (!contentType) return undefined;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime.includes('json')) return 'json';
  if (mime.includes('xml')) return 'xml';
  return undefined;
}

/** What a FHIR body starts with: `<` for XML, `{` for JSON. */
function formatOfBody(body: string): Format | undefined {
  const first = body.trimStart()[0];
  return first === '<' ? 'xml' : first === '{' ? 'json' : undefined;
}

export function parseResponse(status: number, headers: Record<string, string>, body: string): ParsedResponse {
  const format = formatOfContentType(headers['content-type']);
  const base: ParsedResponse = { status, headers, body, empty: body.length === 0, ...(format ? { format } : {}) };
  if (base.empty) return { ...base, parseError: 'the response body is empty' };
  if (body.trim() === '') return { ...base, parseError: 'the response body holds only white space' };
  if (format) {
    try {
      return { ...base, resource: parseResource(body, format) };
    } catch (err) {
      return { ...base, parseError: `the ${format.toUpperCase()} body cannot be parsed: ${(err as Error).message}` };
    }
  }
  const unusable = `the Content-Type "${headers['content-type'] ?? ''}" is not XML or JSON`;
  const sniffed = formatOfBody(body);
  if (!sniffed) return { ...base, parseError: `${unusable}, and the body is neither` };
  try {
    return { ...base, sniffed, resource: parseResource(body, sniffed) };
  } catch (err) {
    return { ...base, parseError: `${unusable}, and the body, read as ${sniffed.toUpperCase()} by its first character, cannot be parsed: ${(err as Error).message}` };
  }
}
