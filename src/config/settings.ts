/** Settings the scenario engine needs: target, formats, timeouts, patients and guide interpretations. */
import type { Format } from '../fhir/index.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../transport/bounded-body.js';
import { DEFAULT_SECURITY_SETTINGS, securityFromEnv, type SecuritySettings } from './settings-security.js';

/** The security part (JWT, Spine headers, TLS, writes, opt-in suites) is in settings-security.ts. */
export interface EngineSettings extends SecuritySettings {
  /** Base URL of the server under test; undefined means "start the embedded reference server". */
  targetUrl?: string;
  /** Formats each scenario runs in (a scenario may narrow this further). */
  formats: Format[];
  /** Time allowed to open a connection, ms. */
  connectTimeoutMs: number;
  /** Time allowed between body chunks / for the headers to arrive, ms. */
  bodyTimeoutMs: number;
  /** Response bodies longer than this are cut in the evidence (the assertions still see the whole body). */
  evidenceBodyLimit: number;
  /** A response body over this many bytes is a step error and is not read further: memory stays bounded. */
  maxResponseBytes: number;
  /** NHS numbers provisioned in the target environment; empty means fresh synthetic numbers per scenario. */
  fixedPatients: string[];
  /** System URI written into Consent.purpose (INVENTORY §6.2: http:// in the SD, https:// on the REST page). */
  snomedSystem: string;
  /** Largest number of Consents a patient may hold (REST page §1 says 1; INVENTORY §6.3). */
  maxConsentsPerPatient: number;
  /** Further header names whose values never appear in evidence. */
  secretHeaders: string[];
  /** Only scenario runs whose "<id> [<format>]" or title matches this regular expression. */
  grep?: string;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  formats: ['xml', 'json'],
  connectTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  evidenceBodyLimit: 64 * 1024,
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  fixedPatients: [],
  snomedSystem: 'http://snomed.info/sct',
  maxConsentsPerPatient: 1,
  secretHeaders: [],
  ...DEFAULT_SECURITY_SETTINGS,
};

export class SettingsError extends Error {}

function parseFormats(value: string, source: string): Format[] {
  if (value === 'both') return ['xml', 'json'];
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of parts) {
    if (p !== 'xml' && p !== 'json') throw new SettingsError(`${source}: format "${p}" is not one of xml, json, both`);
  }
  if (parts.length === 0) throw new SettingsError(`${source}: no format given`);
  return parts as Format[];
}

function parsePositiveInt(value: string, source: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new SettingsError(`${source}: "${value}" is not a positive whole number`);
  return Number(value);
}

function parseRegExp(value: string, source: string): string {
  try {
    new RegExp(value);
  } catch (e) {
    throw new SettingsError(`${source}: "${value}" is not a regular expression (${(e as Error).message})`);
  }
  return value;
}

function parseUrl(value: string, source: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new SettingsError(`${source}: "${value}" is not an http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

/** Reads NDOP_* environment variables over the defaults; a bad value is a SettingsError naming the variable. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, base: EngineSettings = DEFAULT_SETTINGS): EngineSettings {
  const s: EngineSettings = { ...base, formats: [...base.formats], fixedPatients: [...base.fixedPatients], secretHeaders: [...base.secretHeaders] };
  // Set but empty is an error, never "use the embedded server": a CI job whose URL variable came out
  // empty must not quietly test the project's own reference server and pass.
  if (env.NDOP_TARGET_URL !== undefined) s.targetUrl = parseUrl(env.NDOP_TARGET_URL, 'NDOP_TARGET_URL');
  if (env.NDOP_FORMAT) s.formats = parseFormats(env.NDOP_FORMAT, 'NDOP_FORMAT');
  if (env.NDOP_TIMEOUT) s.bodyTimeoutMs = s.connectTimeoutMs = parsePositiveInt(env.NDOP_TIMEOUT, 'NDOP_TIMEOUT');
  if (env.NDOP_CONNECT_TIMEOUT) s.connectTimeoutMs = parsePositiveInt(env.NDOP_CONNECT_TIMEOUT, 'NDOP_CONNECT_TIMEOUT');
  if (env.NDOP_BODY_TIMEOUT) s.bodyTimeoutMs = parsePositiveInt(env.NDOP_BODY_TIMEOUT, 'NDOP_BODY_TIMEOUT');
  if (env.NDOP_EVIDENCE_BODY_LIMIT) s.evidenceBodyLimit = parsePositiveInt(env.NDOP_EVIDENCE_BODY_LIMIT, 'NDOP_EVIDENCE_BODY_LIMIT');
  if (env.NDOP_MAX_RESPONSE_BYTES) s.maxResponseBytes = parsePositiveInt(env.NDOP_MAX_RESPONSE_BYTES, 'NDOP_MAX_RESPONSE_BYTES');
  if (env.NDOP_FIXED_PATIENTS) s.fixedPatients = env.NDOP_FIXED_PATIENTS.split(',').map((p) => p.trim()).filter(Boolean);
  if (env.NDOP_SNOMED_SYSTEM) s.snomedSystem = env.NDOP_SNOMED_SYSTEM;
  if (env.NDOP_MAX_CONSENTS_PER_PATIENT) s.maxConsentsPerPatient = parsePositiveInt(env.NDOP_MAX_CONSENTS_PER_PATIENT, 'NDOP_MAX_CONSENTS_PER_PATIENT');
  if (env.NDOP_GREP) s.grep = parseRegExp(env.NDOP_GREP, 'NDOP_GREP');
  if (env.NDOP_SECRET_HEADERS) s.secretHeaders = env.NDOP_SECRET_HEADERS.split(',').map((h) => h.trim()).filter(Boolean);
  return { ...s, ...securityFromEnv(env, s, (message) => new SettingsError(message)) };
}
