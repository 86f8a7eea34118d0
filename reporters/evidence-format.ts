/**
 * Turns captured evidence into what a person reads and reruns: pretty-printed XML/JSON bodies
 * and a copy-paste curl command. Tolerant by design: evidence from a misbehaving target is
 * often malformed, and then the raw text is shown as it came.
 */
import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import type { ReportRequest } from './report-types.js';

interface XmlTools {
  parser: FastXmlParser.XMLParser;
  builder: FastXmlParser.XMLBuilder;
  validator: typeof FastXmlParser.XMLValidator;
}
let xmlTools: XmlTools | undefined;

/**
 * fast-xml-parser, loaded when the first XML body is formatted rather than with this module: the command loads the
 * reporters before it starts the run, and the first body arrives while the main thread has nothing else to do.
 */
function xml(): XmlTools {
  if (!xmlTools) {
    const fxp = createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser;
    const parser = new fxp.XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      processEntities: false,
      commentPropName: '#comment',
      trimValues: true,
    });
    const builder = new fxp.XMLBuilder({
      preserveOrder: true,
      ignoreAttributes: false,
      processEntities: false,
      commentPropName: '#comment',
      format: true,
      indentBy: '  ',
      suppressEmptyNode: true,
    });
    xmlTools = { parser, builder, validator: fxp.XMLValidator };
  }
  return xmlTools;
}

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

type Format = (body: string) => string;

function formatBody(body: string | null | undefined, headers: Record<string, string>, json: Format, xml: Format): string {
  if (body === null || body === undefined || body === '') return '';
  const contentType = headerValue(headers, 'content-type');
  if (looksLikeJson(body, contentType)) return json(body);
  if (looksLikeXml(body, contentType)) return xml(body);
  return body;
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function prettyXml(body: string): string {
  // Only well-formed XML is re-indented: the lenient parser would silently drop text from broken markup.
  const { parser, builder, validator } = xml();
  if (validator.validate(body) !== true) return body;
  try {
    const built = String(builder.build(parser.parse(body))).trim();
    return built.length > 0 ? built : body;
  } catch {
    return body;
  }
}

/** Pretty-prints a JSON or XML body for display; returns the body unchanged when it is neither. */
export function prettyBody(body: string | null | undefined, headers: Record<string, string> = {}): string {
  return formatBody(body, headers, prettyJson, prettyXml);
}

function remembered(format: Format): Format {
  const seen = new Map<string, string>();
  return (body) => {
    let pretty = seen.get(body);
    if (pretty === undefined) {
      pretty = format(body);
      seen.set(body, pretty);
    }
    return pretty;
  };
}

/**
 * prettyBody that formats each distinct body once: a report shows the same text more than once (a parallel
 * step's first exchange in full and again in its list, identical answers across scenarios and formats).
 * One per report: it keeps every body it has seen.
 */
export function prettyBodyOnce(): typeof prettyBody {
  const json = remembered(prettyJson);
  const xml = remembered(prettyXml);
  return (body, headers = {}) => formatBody(body, headers, json, xml);
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
