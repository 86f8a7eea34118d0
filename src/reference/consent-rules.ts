/**
 * NDOP business rules that the NDOP-Consent-1 profile does not encode (build_consent_business_rules.md,
 * build_consent_restful.md), and the duplicate key of a Consent. Each rule is a small function so that
 * a rule can be listed, tested, documented and (for fault injection) replaced on its own.
 */
import type { ErrorKey } from './outcome.js';
import type { ResourceData } from './store.js';

export interface RuleViolation {
  key: ErrorKey;
  diagnostics: string;
}

export type ConsentRule = (consent: ResourceData) => RuleViolation | undefined;

/** The consentingProxyRole slice of NDOP-Consent-1 is the extension with this url. */
export const PROXY_ROLE_EXTENSION = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-NDOP-ProxyRole-1';

/** SNOMED CT is written with http (SD, STU3 examples) and https (REST page examples): one system. */
const SNOMED_SYSTEMS = new Set(['http://snomed.info/sct', 'https://snomed.info/sct']);

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === 'object' ? (value as { [k: string]: unknown })[name] : undefined;
}

function hasConsentingParty(consent: ResourceData): boolean {
  return asArray(consent.consentingParty).length > 0;
}

function hasProxyRole(consent: ResourceData): boolean {
  return asArray(consent.extension).some((ext) => field(ext, 'url') === PROXY_ROLE_EXTENSION);
}

/** Exactly one of consentingParty and the consentingProxyRole extension (build_consent_business_rules.md). */
export const partyXorProxy: ConsentRule = (consent) => {
  const party = hasConsentingParty(consent);
  const proxy = hasProxyRole(consent);
  if (party && proxy) {
    return {
      key: 'PARTY_AND_PROXY',
      diagnostics: 'Consent.consentingParty and the consentingProxyRole extension are both present; exactly one of them is permitted (business rule: consentingParty only when consentingProxyRole is omitted).',
    };
  }
  if (!party && !proxy) {
    return {
      key: 'NEITHER_PARTY_NOR_PROXY',
      diagnostics: `Consent has neither consentingParty nor the consentingProxyRole extension (${PROXY_ROLE_EXTENSION}); exactly one of them is required.`,
    };
  }
  return undefined;
};

/** Only active (opted out) and inactive (opted in) are meaningful for NDOP (consent_status.md). */
export const statusActiveOrInactive: ConsentRule = (consent) => {
  const status = consent.status;
  if (status === 'active' || status === 'inactive') return undefined;
  return {
    key: 'STATUS_NOT_ALLOWED',
    diagnostics: `Consent.status is "${String(status)}"; NDOP accepts only "active" (opted out) or "inactive" (opted in).`,
  };
};

/** A date, a time with seconds, and a time zone: nothing less (consent_datetime.md, Error Handling). */
const COMPLETE_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Base STU3 accepts "1973-04-01" as a dateTime; the guide says the server SHALL reject a dateTime
 * that is missing its time, its time zone or its date part.
 */
export const dateTimeComplete: ConsentRule = (consent) => {
  const value = consent.dateTime;
  if (typeof value !== 'string' || COMPLETE_DATETIME.test(value)) return undefined;
  return {
    key: 'DATETIME_INCOMPLETE',
    diagnostics: `Consent.dateTime is "${value.slice(0, 40)}"; NDOP requires a date, a time with seconds and a time zone, e.g. 2017-12-14T11:15:33+00:00.`,
  };
};

export const DEFAULT_CONSENT_RULES: readonly ConsentRule[] = [partyXorProxy, statusActiveOrInactive, dateTimeComplete];

/** The first violation of `rules`, in order. */
export function checkRules(consent: ResourceData, rules: readonly ConsentRule[] = DEFAULT_CONSENT_RULES): RuleViolation | undefined {
  for (const rule of rules) {
    const violation = rule(consent);
    if (violation) return violation;
  }
  return undefined;
}

export function patientReference(consent: ResourceData): string {
  const reference = field(consent.patient, 'reference');
  return typeof reference === 'string' ? reference : '';
}

function purposeKey(coding: unknown): string {
  const system = field(coding, 'system');
  const code = field(coding, 'code');
  const normalised = typeof system === 'string' && SNOMED_SYSTEMS.has(system) ? 'snomed' : String(system ?? '');
  return `${normalised}|${String(code ?? '')}`;
}

/** patient + policy.uri + purpose (system|code, both SNOMED spellings alike): the DUPLICATE_REJECTED key. */
export function duplicateKey(consent: ResourceData): string {
  const policies = asArray(consent.policy).map((p) => String(field(p, 'uri') ?? '')).sort();
  const purposes = asArray(consent.purpose).map(purposeKey).sort();
  return JSON.stringify([patientReference(consent), policies, purposes]);
}

/** Whether a purpose coding matches a token search value `[system|]code`. */
export function codingMatchesToken(coding: unknown, token: string): boolean {
  const code = field(coding, 'code');
  const system = field(coding, 'system');
  const bar = token.indexOf('|');
  if (bar < 0) return code === token;
  const wantedSystem = token.slice(0, bar);
  const wantedCode = token.slice(bar + 1);
  if (wantedCode !== '' && code !== wantedCode) return false;
  if (wantedSystem === '') return system === undefined;
  if (SNOMED_SYSTEMS.has(wantedSystem)) return typeof system === 'string' && SNOMED_SYSTEMS.has(system);
  return system === wantedSystem;
}

export function purposeMatches(consent: ResourceData, token: string): boolean {
  return asArray(consent.purpose).some((coding) => codingMatchesToken(coding, token));
}

export function categoryMatches(consent: ResourceData, token: string): boolean {
  return asArray(consent.category).some((concept) => asArray(field(concept, 'coding')).some((coding) => codingMatchesToken(coding, token)));
}
