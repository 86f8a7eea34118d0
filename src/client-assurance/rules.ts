/**
 * The checks of client-rules.yaml over a recorded session. Each check looks at the exchanges it applies
 * to and gives one finding per exchange (passed or failed, with the reason); the caller turns a failure
 * into a warning when the rule's requirement is only a SHOULD.
 */
import { PROFILES, sharedValidator } from '../validation/index.js';
import { dateTimeComplete, partyXorProxy } from '../reference/consent-rules.js';
import { ApiError } from '../reference/outcome.js';
import { checkPatientParam } from '../reference/params.js';
import { negotiateResponse, requestBodyFormat } from '../fhir/mime.js';
import { AUDIT_JWT } from '../spine/audit-jwt-data.js';
import { missingAuditClaims, scopeClaims } from '../spine/audit-claims.js';
import type { SpineInteraction } from '../spine/interactions.js';
import type { RecordedExchange } from './session.js';
import { SessionView } from './session-view.js';

export interface Finding {
  seq: number;
  ok: boolean;
  message: string;
  /** A finding that cannot prove a breach (only cast doubt): reported as a warning whatever the rule's level. */
  doubt?: true;
}

export interface ClientCheckSettings {
  /** The aud every audit JWT must carry. */
  audience: string;
  /**
   * Ssp-InteractionID expected per interaction, where it is known: the guide fixes only metadata's; the others
   * are checked when configured (--interaction-ids), otherwise only for presence.
   */
  interactionIds: Readonly<Partial<Record<SpineInteraction, string>>>;
}

export type ClientCheck = (session: SessionView, settings: ClientCheckSettings) => Finding[];

/** Seconds an iat may lie ahead of the server's clock before the token counts as issued in the future. */
const CLOCK_SKEW_SECONDS = 60;
const SPINE_HEADER_NAMES: Readonly<Record<string, string>> = { 'ssp-traceid': 'Ssp-TraceID', 'ssp-from': 'Ssp-From', 'ssp-to': 'Ssp-To', 'ssp-interactionid': 'Ssp-InteractionID' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const doubtful = (x: RecordedExchange, message: string): Finding => ({ seq: x.seq, ok: false, message, doubt: true });

const finding = (x: RecordedExchange, problem: string | undefined, passed: string): Finding =>
  problem === undefined ? { seq: x.seq, ok: true, message: passed } : { seq: x.seq, ok: false, message: problem };

const name = (x: RecordedExchange) => `${x.request.method} ${x.request.url.split('?')[0]} (#${x.seq})`;

/** One finding per Consent body the session sent (create and update), for checks of the body alone. */
function perConsent(check: (consent: { resourceType: string; [key: string]: unknown }, x: RecordedExchange) => string | undefined, passed: string): ClientCheck {
  return (session) =>
    session.consentWrites().flatMap(({ x, consent }) => {
      if (!consent) return [];
      const problem = check(consent, x);
      return [finding(x, problem === undefined ? undefined : `${name(x)}: ${problem}`, `${name(x)}: ${passed}`)];
    });
}

/** One finding per request that carried a decodable audit JWT. */
function perClaims(check: (claims: Record<string, unknown>, x: RecordedExchange, settings: ClientCheckSettings) => string | undefined, passed: string): ClientCheck {
  return (session, settings) =>
    session.exchanges.flatMap((x) => (x.jwt?.claims ? [finding(x, check(x.jwt.claims, x, settings), `${name(x)}: ${passed}`)] : []));
}

function issuesText(issues: readonly { location: string; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.location}: ${i.message}`).join('; ') + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : '');
}

function patientProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'has no patient reference';
  try {
    checkPatientParam(value);
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? error.diagnostics : (error as Error).message;
  }
}

export const CLIENT_CHECKS: Readonly<Record<string, ClientCheck>> = {
  'client-searches-before-create': (session) =>
    session.consentWrites('create').flatMap(({ x, consent }) => {
      const patient = (consent?.patient as { reference?: unknown } | undefined)?.reference;
      if (typeof patient !== 'string') return [];
      const searched = session.exchanges.some((y) => y.seq < x.seq && y.interaction === 'search-type' && session.queryParam(y, 'patient') === patient);
      return [finding(x, searched ? undefined : `${name(x)} creates a Consent for ${patient} with no earlier search GET /Consent?patient=${patient}`, `${name(x)}: searched for ${patient} first`)];
    }),

  'client-no-id-on-create': (session) =>
    session.consentWrites('create').flatMap(({ x, consent }) =>
      consent ? [finding(x, consent.id === undefined ? undefined : `${name(x)} sends the id "${String(consent.id)}"; the server assigns ids`, `${name(x)}: no id`)] : [],
    ),

  'client-update-carries-id': (session) =>
    session.consentWrites('update').flatMap(({ x, consent }) => {
      if (!consent) return [];
      const urlId = session.pathId(x);
      const problem = consent.id === undefined ? `${name(x)} sends a Consent without its id` : consent.id !== urlId ? `${name(x)} sends the id "${String(consent.id)}" to /Consent/${urlId}` : undefined;
      return [finding(x, problem, `${name(x)}: carries id ${urlId}`)];
    }),

  'client-update-whole-resource': (session) =>
    session.consentWrites('update').flatMap(({ x, consent }) => {
      if (!consent) return [];
      const previous = session.lastKnownVersion(session.pathId(x), x.seq);
      if (!previous) {
        const errors = sharedValidator().validate(consent, PROFILES.consent).filter((i) => i.severity === 'error');
        return [finding(x, errors.length ? `${name(x)} sends an incomplete Consent: ${issuesText(errors)}` : undefined, `${name(x)}: a complete Consent (the version it replaces was not seen)`)];
      }
      const missing = Object.keys(previous).filter((key) => !['resourceType', 'id', 'meta', 'text'].includes(key) && consent[key] === undefined);
      if (missing.length === 0) return [finding(x, undefined, `${name(x)}: every element of the previous version is sent`)];
      const errors = sharedValidator().validate(consent, PROFILES.consent).filter((i) => i.severity === 'error');
      const omitted = `${name(x)} leaves out ${missing.join(', ')}, present in the version it replaces`;
      // Leaving out a required element proves a partial update; leaving out an optional one may be a deliberate change.
      if (errors.length > 0) return [finding(x, `${omitted}, and the Consent it sends is incomplete (${issuesText(errors)}): an update sends the whole resource`, '')];
      return [doubtful(x, `${omitted}: if they were not meant to be removed, an update must still send them (the whole resource)`)];
    }),

  'client-body-conforms': (session) =>
    session.consentWrites().map(({ x, consent, parseError }) => {
      if (!consent) return finding(x, `${name(x)} sends a body that is not a FHIR Consent: ${parseError}`, '');
      const errors = sharedValidator().validate(consent, PROFILES.consent).filter((i) => i.severity === 'error');
      return finding(x, errors.length ? `${name(x)} does not conform to NDOP-Consent-1: ${issuesText(errors)}` : undefined, `${name(x)}: conforms to NDOP-Consent-1`);
    }),

  'client-datetime-complete': perConsent((consent) => dateTimeComplete(consent)?.diagnostics, 'dateTime is complete'),

  'client-patient-pds-url': (session, settings) => [
    ...perConsent((consent) => patientProblem((consent.patient as { reference?: unknown } | undefined)?.reference), 'patient is a PDS URL with a valid NHS number')(session, settings),
    ...session.exchanges
      .filter((x) => x.interaction === 'search-type' || x.interaction === 'history-type')
      .flatMap((x) => {
        const patient = session.queryParam(x, 'patient');
        const problem = patientProblem(patient);
        return patient === undefined ? [] : [finding(x, problem && `${name(x)}: ${problem}`, `${name(x)}: patient parameter is a PDS URL with a valid NHS number`)];
      }),
  ].sort((a, b) => a.seq - b.seq),

  'client-party-xor-proxy': perConsent((consent) => partyXorProxy(consent)?.diagnostics, 'exactly one of consentingParty and the proxy role'),

  'client-fhir-mime-types': (session) =>
    session.exchanges.map((x) => {
      const problems: string[] = [];
      if (x.request.body !== undefined || x.request.bodyUnread) {
        const body = requestBodyFormat(x.request.headers['content-type']);
        if (!body.ok) problems.push(`the body's Content-Type ${JSON.stringify(x.request.headers['content-type'] ?? 'none')} is not a FHIR type: ${body.reason}`);
      }
      const asked = negotiateResponse({ formatParam: session.queryParam(x, '_format'), accept: x.request.headers.accept, fallback: 'json' });
      if (!asked.ok) problems.push(`the response format asked for is not one the API serves: ${asked.reason}`);
      return finding(x, problems.length ? `${name(x)}: ${problems.join('; ')}` : undefined, `${name(x)}: FHIR MIME types`);
    }),

  'client-fresh-jwt': (session) => {
    const seen = new Map<string, number>();
    return session.exchanges.map((x) => {
      const jwt = x.jwt;
      const first = jwt ? seen.get(jwt.fingerprint) : undefined;
      if (jwt && first === undefined) seen.set(jwt.fingerprint, x.seq);
      if (!jwt) return finding(x, `${name(x)} carries no audit JWT (Authorization: Bearer or Ssp-Authorization)`, '');
      if (jwt.malformed) return finding(x, `${name(x)} carries an audit JWT that is not a well-formed JWT (${jwt.malformed})`, '');
      if (first === undefined) return finding(x, undefined, `${name(x)}: a new audit JWT`);
      const same = `${name(x)} sends the same audit JWT as request #${first}`;
      // Identical bytes prove reuse when the token has a jti, or when it was issued before this second; without
      // either, a token built anew in the same second as the first one is indistinguishable from it.
      const iat = jwt.claims?.iat;
      const sentAt = Math.floor(Date.parse(x.at) / 1000);
      if (jwt.claims?.jti !== undefined || (typeof iat === 'number' && sentAt - iat >= 2)) return finding(x, `${same}; every request needs a new one`, '');
      return doubtful(x, `${same} (no jti, issued in the same second): a new token per request should differ, e.g. by a jti`);
    });
  },

  'client-jwt-claims': perClaims((claims, x) => {
    const missing = missingAuditClaims(claims);
    if (missing.length) return `${name(x)}: the audit JWT lacks ${missing.join(', ')}`;
    const { exp, iat } = claims;
    if (typeof exp !== 'number' || typeof iat !== 'number') return `${name(x)}: exp and iat must be numbers of seconds`;
    const sentAt = Math.floor(Date.parse(x.at) / 1000);
    if (exp <= sentAt) return `${name(x)}: the audit JWT had expired ${sentAt - exp} s before it was sent`;
    if (exp - iat > AUDIT_JWT.lifetimeSeconds + AUDIT_JWT.lifetimeToleranceSeconds || exp <= iat) return `${name(x)}: the audit JWT lives ${exp - iat} s; exp must be after iat and at most iat + ${AUDIT_JWT.lifetimeSeconds} s`;
    if (iat > sentAt + CLOCK_SKEW_SECONDS) return `${name(x)}: the audit JWT was issued ${iat - sentAt} s in the future`;
    return undefined;
  }, 'the mandatory claims, unexpired, at most 5 minutes'),

  'client-jwt-scope': perClaims((claims, x) => {
    const { wanted, present, notGranting: wrong } = scopeClaims(claims, x.interaction);
    if (present.length === 0) return `${name(x)}: the audit JWT has no ${AUDIT_JWT.scopeClaims.join(' or ')} (${x.interaction} needs ${wanted})`;
    return wrong.length ? `${name(x)}: ${wrong.map((c) => `${c} "${String(claims[c])}"`).join(', ')} does not grant ${wanted}, which a ${x.interaction} needs` : undefined;
  }, 'the scope grants the interaction'),

  'client-jwt-audience': perClaims((claims, x, settings) => {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return aud.includes(settings.audience) ? undefined : `${name(x)}: aud is ${JSON.stringify(claims.aud)}; it must be ${settings.audience}`;
  }, 'aud is the configured audience'),

  'client-spine-headers': (session, settings) =>
    session.exchanges.map((x) => {
      const headers = x.request.headers;
      const missing = ['ssp-traceid', 'ssp-from', 'ssp-to', 'ssp-interactionid'].filter((h) => !headers[h]);
      const expectedId = settings.interactionIds[x.interaction];
      let problem = missing.length ? `${name(x)} lacks ${missing.map((h) => SPINE_HEADER_NAMES[h]).join(', ')}` : undefined;
      if (!problem && expectedId !== undefined && headers['ssp-interactionid'] !== expectedId) problem = `${name(x)}: Ssp-InteractionID is ${headers['ssp-interactionid']}; a ${x.interaction} is ${expectedId}`;
      return finding(x, problem, `${name(x)}: Spine headers present`);
    }),

  'client-unique-trace-id': (session) => {
    const seen = new Map<string, number>();
    return session.exchanges.flatMap((x) => {
      const trace = x.request.headers['ssp-traceid'];
      if (!trace) return [];
      const problem = !UUID.test(trace) ? `${name(x)}: Ssp-TraceID "${trace}" is not a UUID` : seen.has(trace.toLowerCase()) ? `${name(x)} reuses the Ssp-TraceID of request #${seen.get(trace.toLowerCase())}` : undefined;
      if (!seen.has(trace.toLowerCase())) seen.set(trace.toLowerCase(), x.seq);
      return [finding(x, problem, `${name(x)}: its own Ssp-TraceID`)];
    });
  },
};
