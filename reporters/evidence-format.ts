/**
 * Turns captured evidence into what a person reads and reruns: pretty-printed XML/JSON bodies
 * and a copy-paste curl command. Tolerant by design: evidence from a misbehaving target is
 * often malformed, and then the raw text is shown as it came.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ReportRequest } from './report-types.js';

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  processEntities: false,
  commentPropName: '#comment',
  trimValues: true,
});
const xmlBuilder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  processEntities: false,
  commentPropName: '#comment',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function looksLikeJson(body: string, contentType: string | undefined): boolean {
  return (contentType ?? '').includes('json') || /^\s*[[{]/.test(body);
}

function looksLikeXml(body: string, contentType: string | undefined): boolean {
  return (contentType ?? '').includes('xml') || /^\s*</.test(body);
}

/** Pretty-prints a JSON or XML body for display; returns the body unchanged when it is neither. */
export function prettyBody(body: string | null | undefined, headers: Record<string, string> = {}): string {
  if (body === null || body === undefined || body === '') return '';
  const contentType = headerValue(headers, 'content-type');
  if (looksLikeJson(body, contentType)) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      return body;
    }
  }
  // Only well-formed XML is re-indented: the lenient parser would silently drop text from broken markup.
  if (looksLikeXml(body, contentType) && XMLValidator.validate(body) === true) {
    try {
      const built = String(xmlBuilder.build(xmlParser.parse(body))).trim();
      return built.length > 0 ? built : body;
    } catch {
      return body;
    }
  }
  return body;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl sets itself or that would be wrong to replay verbatim. */
const NOT_REPLAYED = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

/** A curl command that reproduces the request (redacted secrets stay redacted: the reader supplies them). */
export function curlCommand(request: ReportRequest): string {
  const parts = ['curl', '-sS', '-i', '-X', request.method, shellQuote(request.url)];
  for (const [name, value] of Object.entries(request.headers)) {
    if (NOT_REPLAYED.has(name.toLowerCase())) continue;
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (request.body) parts.push('--data-binary', shellQuote(request.body));
  return parts.join(' ');
}
