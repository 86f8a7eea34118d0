/**
 * Every expectation as one function, each failing in one message shape:
 * "Unexpected <what>: expected <this>, but received <that>".
 */
import type { Resource } from '../fhir/index.js';
import { PROFILES, type Validator } from '../validation/index.js';
import { evaluate, show } from './fhirpath-eval.js';
import type { ParsedResponse } from './response.js';
import { isBlocking, outcome, untestable, type AssertionResult } from './results.js';
import type {
  BundleExpectation, CaptureSpec, Expectations, FhirPathExpectation, HeaderExpectation, Level, OperationOutcomeExpectation,
} from './types.js';

export interface AssertionContext {
  validator: () => Validator;
}

const PROFILE_ALIASES: Record<string, string> = { consent: PROFILES.consent, operationOutcome: PROFILES.operationOutcome };

function unexpected(what: string, expected: string, received: string): string {
  return `Unexpected ${what}: expected ${expected}, but received ${received}`;
}

function leveled<T>(value: T | ({ level?: Level } & Record<string, unknown>), key: string): { value: T; level: Level } {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && key in (value as object)) {
    const v = value as Record<string, unknown> & { level?: Level };
    return { value: v[key] as T, level: v.level ?? 'MUST' };
  }
  return { value: value as T, level: 'MUST' };
}

export function statusSet(status: Expectations['status']): { values: number[]; level: Level } {
  const { value, level } = leveled<number | number[]>(status as never, 'in');
  return { values: Array.isArray(value) ? value : [value], level };
}

export function checkStatus(expect: Expectations['status'], received: number): AssertionResult {
  const { values, level } = statusSet(expect);
  const expected = values.length === 1 ? String(values[0]) : `one of ${values.join(', ')}`;
  return outcome('status', level, values.includes(received), unexpected('response status', expected, String(received)));
}

export function checkHeader(h: HeaderExpectation, headers: Record<string, string>): AssertionResult {
  const level = h.level ?? 'MUST';
  const actual = headers[h.name.toLowerCase()];
  const name = `header ${h.name}`;
  const shown = actual === undefined ? 'none' : JSON.stringify(actual);
  if (h.present === false) return outcome(name, level, actual === undefined, unexpected(`${h.name} header`, 'none', shown));
  if (actual === undefined) return outcome(name, level, false, unexpected(`${h.name} header`, h.equals ? JSON.stringify(h.equals) : h.matches ? `a value matching /${h.matches}/` : 'one', 'none'));
  if (h.equals !== undefined) return outcome(name, level, actual === h.equals, unexpected(`${h.name} header`, JSON.stringify(h.equals), shown));
  if (h.matches !== undefined) return outcome(name, level, new RegExp(h.matches).test(actual), unexpected(`${h.name} header`, `a value matching /${h.matches}/`, shown));
  return outcome(name, level, true, '');
}

/**
 * An expectation that needs a FHIR body when there is none. A zero-byte body proves the resource is missing
 * (failed, or a warning at SHOULD/MAY); a body that does not parse could not be checked (error, or a warning).
 */
function needsResource(name: string, level: Level, res: ParsedResponse): AssertionResult | undefined {
  if (res.resource) return undefined;
  const message = unexpected('response body', 'a FHIR resource', res.parseError ?? 'none');
  return res.empty ? outcome(name, level, false, message) : untestable(name, level, message);
}

export function checkResourceType(expected: string, level: Level, res: ParsedResponse): AssertionResult {
  return needsResource('resourceType', level, res)
    ?? outcome('resourceType', level, res.resource!.resourceType === expected, unexpected('resource type', expected, res.resource!.resourceType));
}

export function checkResponseFormat(expected: string, level: Level, res: ParsedResponse): AssertionResult {
  return outcome('response format', level, res.format === expected,
    unexpected('response format', `${expected} (by Content-Type)`, `${res.format ?? 'neither'} (Content-Type ${JSON.stringify(res.headers['content-type'] ?? 'none')})`));
}

export function checkProfile(profile: string, level: Level, res: ParsedResponse, ctx: AssertionContext): AssertionResult {
  const url = PROFILE_ALIASES[profile] ?? profile;
  const name = `profile ${url}`;
  const missing = needsResource(name, level, res);
  if (missing) return missing;
  const issues = ctx.validator().validate(res.resource!, url).filter((i) => i.severity === 'error');
  const listed = issues.slice(0, 5).map((i) => `${i.location}: ${i.message}`).join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return outcome(name, level, issues.length === 0, unexpected('resource', `conformance to ${url}`, `${issues.length} error(s): ${listed}${more}`));
}

export function checkFhirPath(item: string | FhirPathExpectation, res: ParsedResponse): AssertionResult {
  const e = typeof item === 'string' ? { expression: item } : item;
  const level = e.level ?? 'MUST';
  const name = e.description ?? e.expression;
  const missing = needsResource(name, level, res);
  if (missing) return missing;
  const r = evaluate(res.resource, e.expression);
  if (!r.ok) return untestable(name, level, r.reason);
  const ok = r.value.length === 1 && r.value[0] === true;
  return outcome(name, level, ok, unexpected(`result of ${e.expression}`, 'true', show(r.value)));
}

interface Issue {
  severity?: string;
  code?: string;
  details?: { coding?: { code?: string }[] };
}

export function checkOperationOutcome(e: OperationOutcomeExpectation, res: ParsedResponse): AssertionResult {
  const level = e.level ?? 'MUST';
  const name = 'OperationOutcome issue';
  const missing = needsResource(name, level, res);
  if (missing) return missing;
  const resource = res.resource as Resource & { issue?: Issue[] };
  if (resource.resourceType !== 'OperationOutcome') {
    return outcome(name, level, false, unexpected('resource type', 'OperationOutcome', resource.resourceType));
  }
  const describe = (s?: string, c?: string, d?: string): string =>
    [s !== undefined ? `severity ${s}` : '', c !== undefined ? `code ${c}` : '', d !== undefined ? `details ${d}` : ''].filter(Boolean).join(', ');
  const issues = resource.issue ?? [];
  const matches = issues.some((i) =>
    (e.severity === undefined || i.severity === e.severity)
    && (e.code === undefined || i.code === e.code)
    && (e.details === undefined || (i.details?.coding ?? []).some((c) => c.code === e.details)));
  const received = issues.length === 0 ? 'no issue'
    : issues.map((i) => describe(i.severity ?? 'none', i.code ?? 'none', (i.details?.coding ?? []).map((c) => c.code).join('|') || 'none')).join(' / ');
  return outcome(name, level, matches, unexpected('OperationOutcome issue', describe(e.severity, e.code, e.details), received));
}

interface BundleEntry {
  fullUrl?: string;
  resource?: Resource & { id?: string };
  search?: { mode?: string };
}

export function checkBundle(e: BundleExpectation, res: ParsedResponse): AssertionResult[] {
  const level = e.level ?? 'MUST';
  const missing = needsResource('Bundle', level, res);
  if (missing) return [missing];
  const bundle = res.resource as Resource & { type?: string; total?: number; entry?: BundleEntry[] };
  if (bundle.resourceType !== 'Bundle') return [outcome('Bundle', level, false, unexpected('resource type', 'Bundle', bundle.resourceType))];
  const entries = bundle.entry ?? [];
  const out: AssertionResult[] = [];
  if (e.type !== undefined) out.push(outcome('Bundle.type', level, bundle.type === e.type, unexpected('Bundle.type', e.type, String(bundle.type ?? 'none'))));
  if (e.total !== undefined) {
    out.push(outcome('Bundle.total', level, bundle.total === Number(e.total), unexpected('Bundle.total', String(e.total), String(bundle.total ?? 'none'))));
  }
  if (e.totalMatchesEntries) {
    out.push(outcome('Bundle.total matches entries', level, bundle.total === entries.length,
      unexpected('Bundle.total', `the number of entries (${entries.length})`, String(bundle.total ?? 'none'))));
  }
  if (e.fullUrlMatchesId) {
    const bad = entries.filter((en) => !en.fullUrl || !en.resource?.id || !en.fullUrl.endsWith(`/${en.resource.resourceType}/${en.resource.id}`));
    out.push(outcome('Bundle fullUrl agrees with resource id', level, bad.length === 0,
      unexpected('entry fullUrl', '[base]/<type>/<resource.id> for every entry', bad.map((en) => `${en.fullUrl ?? 'no fullUrl'} for id ${en.resource?.id ?? 'none'}`).join(', '))));
  }
  if (e.searchMode !== undefined) {
    const bad = entries.filter((en) => en.search?.mode !== e.searchMode);
    out.push(outcome('Bundle search.mode', level, bad.length === 0,
      unexpected('entry search.mode', `${e.searchMode} for every entry`, bad.map((en) => en.search?.mode ?? 'none').join(', '))));
  }
  return out;
}

/**
 * The levels of everything in a step that reads the response's resource: body expectations and FHIRPath
 * captures (status, headers, responseFormat and emptyBody do not read it).
 */
function bodyReadLevels(expect: Expectations, captures: readonly CaptureSpec[]): Level[] {
  const levels: Level[] = [];
  if (expect.resourceType !== undefined) levels.push(leveled<string>(expect.resourceType as never, 'value').level);
  if (expect.profile !== undefined) levels.push(leveled<string>(expect.profile as never, 'profile').level);
  if (expect.operationOutcome) levels.push(expect.operationOutcome.level ?? 'MUST');
  if (expect.bundle) levels.push(expect.bundle.level ?? 'MUST');
  for (const f of expect.fhirpath ?? []) levels.push(typeof f === 'string' ? 'MUST' : f.level ?? 'MUST');
  for (const c of captures) if (c.from === 'fhirpath') levels.push(c.level ?? 'MUST');
  return levels;
}

/**
 * A body that is FHIR, read by its first character because its Content-Type names neither XML nor JSON
 * (a JSON OperationOutcome labelled text/plain): the body is checked as usual, and the media type is a
 * proven breach of NDOP-FMT-002 wherever the step needs the body at MUST (a warning where only at SHOULD/MAY).
 */
export function checkFhirMediaType(expect: Expectations, captures: readonly CaptureSpec[], res: ParsedResponse): AssertionResult | undefined {
  if (!res.sniffed || !res.resource) return undefined;
  const levels = bodyReadLevels(expect, captures);
  if (levels.length === 0) return undefined;
  const level: Level = levels.some(isBlocking) ? 'MUST' : 'SHOULD';
  const received = `${JSON.stringify(res.headers['content-type'] ?? 'none')} for a FHIR ${res.sniffed.toUpperCase()} body`;
  return outcome('Content-Type', level, false, unexpected('Content-Type', 'a FHIR XML or JSON media type (NDOP-FMT-002)', received));
}

export function checkEmptyBody(res: ParsedResponse): AssertionResult {
  return outcome('empty body', 'MUST', res.body.length === 0, unexpected('response body', 'none', `${res.body.length} characters`));
}

/**
 * All expectations of a single-response step, in a fixed order; body checks are skipped when a MUST status fails.
 * `captures` are the step's captures, which count as reading the body (checkFhirMediaType).
 */
export function checkResponse(expect: Expectations, res: ParsedResponse, ctx: AssertionContext, captures: readonly CaptureSpec[] = []): AssertionResult[] {
  const out: AssertionResult[] = [];
  if (expect.status !== undefined) {
    const s = checkStatus(expect.status, res.status);
    out.push(s);
    if (s.status === 'failed') return out;
  }
  const mediaType = checkFhirMediaType(expect, captures, res);
  if (mediaType) out.push(mediaType);
  for (const h of expect.headers ?? []) out.push(checkHeader(h, res.headers));
  if (expect.responseFormat !== undefined) {
    const { value, level } = leveled<string>(expect.responseFormat as never, 'value');
    out.push(checkResponseFormat(value, level, res));
  }
  if (expect.emptyBody) out.push(checkEmptyBody(res));
  if (expect.resourceType !== undefined) {
    const { value, level } = leveled<string>(expect.resourceType as never, 'value');
    out.push(checkResourceType(value, level, res));
  }
  if (expect.profile !== undefined) {
    const { value, level } = leveled<string>(expect.profile as never, 'profile');
    out.push(checkProfile(value, level, res, ctx));
  }
  if (expect.operationOutcome) out.push(checkOperationOutcome(expect.operationOutcome, res));
  if (expect.bundle) out.push(...checkBundle(expect.bundle, res));
  for (const f of expect.fhirpath ?? []) out.push(checkFhirPath(f, res));
  return out;
}

/**
 * Expectations of a parallel step: every status in the allowed set, and exact counts per status. With `unchecked`
 * responses unknown (requests that could not be checked), only what the known statuses alone prove is reported:
 * a status outside the set, more responses of a status than allowed, or too few even if every unknown one had it.
 */
export function checkParallel(expect: Expectations, statuses: number[], unchecked = 0): AssertionResult[] {
  const out: AssertionResult[] = [];
  const unknown = unchecked > 0 ? `; ${unchecked} more could not be checked` : '';
  if (expect.status !== undefined) {
    const { values, level } = statusSet(expect.status);
    const bad = statuses.filter((s) => !values.includes(s));
    if (bad.length > 0 || unchecked === 0) {
      out.push(outcome('status of every response', level, bad.length === 0,
        unexpected('response status', `${values.join(' or ')} for every response`, `${bad.join(', ')} among ${statuses.length} responses${unknown}`)));
    }
  }
  for (const [status, count] of Object.entries(expect.statusCount ?? {})) {
    const got = statuses.filter((s) => s === Number(status)).length;
    const proven = got > count || got + unchecked < count;
    if (!proven && unchecked > 0) continue;
    out.push(outcome(`count of ${status} responses`, 'MUST', got === count && unchecked === 0,
      unexpected(`number of ${status} responses`, String(count), `${got} (statuses: ${statuses.join(', ')}${unknown})`)));
  }
  return out;
}
