/**
 * Content negotiation for FHIR STU3 over HTTP, as pure functions.
 * Both STU3 MIME generations are understood (application/xml+fhir and application/json+fhir from
 * DSTU2/early STU3, application/fhir+xml and application/fhir+json from STU3 3.0), plus plain
 * application/xml, text/xml and application/json. The response echoes the generation the client
 * asked for; keywords, wildcards and absent headers get the current STU3 types.
 */

export type WireFormat = 'xml' | 'json';

/** A negotiated representation: which codec to use and which MIME type to put in Content-Type. */
export interface MediaChoice {
  format: WireFormat;
  mime: string;
}

export type Negotiated<T> = { ok: true; value: T } | { ok: false; reason: string };

export const DEFAULT_MIME: Readonly<Record<WireFormat, string>> = {
  json: 'application/fhir+json',
  xml: 'application/fhir+xml',
};

/** Concrete MIME types accepted for bodies and echoed in responses. */
const CONCRETE: ReadonlyMap<string, WireFormat> = new Map([
  ['application/fhir+json', 'json'],
  ['application/json+fhir', 'json'],
  ['application/json', 'json'],
  ['application/fhir+xml', 'xml'],
  ['application/xml+fhir', 'xml'],
  ['application/xml', 'xml'],
  ['text/xml', 'xml'],
]);

/** The Content-Type header value for a choice; FHIR bodies are always UTF-8. */
export function contentTypeHeader(choice: MediaChoice): string {
  return `${choice.mime}; charset=utf-8`;
}

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

/** Splits `type/subtype; a=b; c="d"` into a lower-case type and its parameters; undefined if malformed. */
export function parseMediaRange(text: string): MediaRange | undefined {
  const [head, ...rest] = text.split(';');
  const type = (head ?? '').trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+*-]+\/[a-z0-9!#$&^_.+*-]+$/.test(type)) return undefined;
  const params = new Map<string, string>();
  for (const part of rest) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name === '') return undefined;
    params.set(name, value);
  }
  return { type, params };
}

function charsetIsUtf8(params: Map<string, string>): boolean {
  const charset = params.get('charset');
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/** A media range as a response choice: concrete types echo themselves, wildcards take the default. */
function choiceForRange(range: MediaRange, fallback: WireFormat): MediaChoice | undefined {
  if (!charsetIsUtf8(range.params)) return undefined;
  const concrete = CONCRETE.get(range.type);
  if (concrete) return { format: concrete, mime: range.type };
  if (range.type === '*/*' || range.type === 'application/*') return { format: fallback, mime: DEFAULT_MIME[fallback] };
  if (range.type === 'text/*') return { format: 'xml', mime: 'text/xml' };
  return undefined;
}

/**
 * Reads a `_format` value: the keywords xml/json (any case) or any supported MIME type.
 * A `+` in an unencoded query string arrives as a space (application/fhir json), so a space
 * between two word characters is read back as `+`.
 */
export function formatParamChoice(value: string, fallback: WireFormat = 'json'): Negotiated<MediaChoice> {
  const text = value.trim().replace(/(\w) (?=\w)/g, '$1+');
  const keyword = text.toLowerCase();
  if (keyword === 'xml' || keyword === 'json') return { ok: true, value: { format: keyword, mime: DEFAULT_MIME[keyword] } };
  const range = parseMediaRange(text);
  const choice = range && choiceForRange(range, fallback);
  if (!choice) return { ok: false, reason: `_format "${value}" is not a supported format (use xml, json or a FHIR XML/JSON MIME type)` };
  return { ok: true, value: choice };
}

interface AcceptEntry {
  range: MediaRange;
  q: number;
  order: number;
  specificity: number;
}

/** Parses an Accept header into entries with q-values; malformed entries are dropped. */
export function parseAccept(header: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  header.split(',').forEach((part, order) => {
    if (part.trim() === '') return;
    const range = parseMediaRange(part);
    if (!range) return;
    let q = 1;
    const qText = range.params.get('q');
    if (qText !== undefined) {
      if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(qText)) return;
      q = Number(qText);
      range.params.delete('q');
    }
    const specificity = range.type === '*/*' ? 0 : range.type.endsWith('/*') ? 1 : 2;
    entries.push({ range, q, order, specificity });
  });
  return entries;
}

/** The best supported choice in an Accept header: highest q, then most specific, then first listed. */
export function acceptChoice(header: string, fallback: WireFormat = 'json'): Negotiated<MediaChoice> {
  const candidates = parseAccept(header)
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || b.specificity - a.specificity || a.order - b.order);
  for (const entry of candidates) {
    const choice = choiceForRange(entry.range, fallback);
    if (choice) return { ok: true, value: choice };
  }
  return { ok: false, reason: `Accept "${header}" names no supported FHIR XML or JSON media type` };
}

export interface ResponseNegotiationInput {
  /** The `_format` query parameter, if given. */
  formatParam?: string | undefined;
  /** The Accept header, if given. */
  accept?: string | undefined;
  /** Format to use when neither names one (e.g. the request body's format); JSON when undefined. */
  fallback?: WireFormat | undefined;
}

/** `_format` wins over Accept; an absent or empty Accept means the fallback. */
export function negotiateResponse(input: ResponseNegotiationInput): Negotiated<MediaChoice> {
  const fallback = input.fallback ?? 'json';
  if (input.formatParam !== undefined) return formatParamChoice(input.formatParam, fallback);
  if (input.accept !== undefined && input.accept.trim() !== '') return acceptChoice(input.accept, fallback);
  return { ok: true, value: { format: fallback, mime: DEFAULT_MIME[fallback] } };
}

/** The body format a request's Content-Type names; wildcards and non-UTF-8 charsets are refused. */
export function requestBodyFormat(contentType: string | undefined): Negotiated<MediaChoice> {
  if (contentType === undefined || contentType.trim() === '') {
    return { ok: false, reason: 'the request has a body but no Content-Type header' };
  }
  const range = parseMediaRange(contentType);
  if (!range) return { ok: false, reason: `Content-Type "${contentType}" is not a valid media type` };
  if (!charsetIsUtf8(range.params)) {
    return { ok: false, reason: `Content-Type "${contentType}" names charset ${range.params.get('charset')}; only UTF-8 is supported` };
  }
  const format = CONCRETE.get(range.type);
  if (!format) return { ok: false, reason: `Content-Type "${range.type}" is not a FHIR XML or JSON media type` };
  return { ok: true, value: { format, mime: range.type } };
}
