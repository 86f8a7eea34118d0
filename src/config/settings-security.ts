/**
 * The settings a real Spine test environment needs: the audit JWT, Spine headers, the requesting
 * organisation, TLS, and the two safety switches (writes, opt-in suites). Read from NDOP_* variables and
 * the configuration file, written back to variables for the vitest workers, and checked (keys and
 * certificates readable) before a run starts. Values of secrets never appear in a message.
 */
import { resolve } from 'node:path';
import { DEFAULT_SPINE_HEADER_SETTINGS, type SpineHeaderSettings } from '../spine/headers.js';
import { isSpineInteraction, type SpineInteraction } from '../spine/interactions.js';
import { AUDIT_JWT } from '../spine/audit-jwt-data.js';
import { DEFAULT_JWT_SETTINGS, JWT_ALGORITHMS, JWT_HEADERS, JWT_MODES, loadSigningKey, type JwtSettings } from '../spine/jwt-settings.js';
import { connectionTls, DEFAULT_TLS_SETTINGS, TlsConfigError, type TlsSettings } from '../transport/tls.js';

export interface SecuritySettings {
  jwt: JwtSettings;
  spine: SpineHeaderSettings;
  /** ODS code of the requesting organisation (audit JWT sub and requesting_organization). */
  odsCode: string;
  tls: TlsSettings;
  /** Write scenarios may run against a target that is not loopback. */
  allowWrites: boolean;
  /** Opt-in suites (scenario files with `optIn: true`) this run includes, by name, e.g. security. */
  optIn: string[];
}

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  jwt: DEFAULT_JWT_SETTINGS,
  spine: DEFAULT_SPINE_HEADER_SETTINGS,
  odsCode: AUDIT_JWT.defaultOdsCode,
  tls: DEFAULT_TLS_SETTINGS,
  allowWrites: false,
  optIn: [],
};

/** Where a bad value came from, and the error to throw; the settings module supplies its SettingsError. */
type Fail = (message: string) => Error;

function oneOf<T extends string>(value: string, allowed: readonly T[], source: string, fail: Fail): T {
  if (!(allowed as readonly string[]).includes(value)) throw fail(`${source}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

function matching(value: string, pattern: RegExp, what: string, source: string, fail: Fail): string {
  if (!pattern.test(value)) throw fail(`${source}: "${value}" is not ${what}`);
  return value;
}

function jsonObject(text: string, source: string, fail: Fail): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // The text may hold secrets (header values): only the parser's position is shown.
    throw fail(`${source}: not valid JSON (${(e as Error).message.replace(/"[^"]*"/g, '…').slice(0, 120)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail(`${source}: must be a JSON object`);
  return value as Record<string, unknown>;
}

function stringMap(value: Record<string, unknown>, source: string, fail: Fail): Record<string, string> {
  for (const [name, v] of Object.entries(value)) if (typeof v !== 'string') throw fail(`${source}: the value of ${name} must be a string`);
  return value as Record<string, string>;
}

function interactionMap(value: Record<string, unknown>, source: string, fail: Fail): Partial<Record<SpineInteraction, string>> {
  for (const name of Object.keys(value)) {
    if (!isSpineInteraction(name)) throw fail(`${source}: "${name}" is not an interaction (metadata, search-type, create, update, vread, history-instance, history-type)`);
  }
  return stringMap(value, source, fail);
}

function flag(value: string, source: string, fail: Fail): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw fail(`${source}: "${value}" is not true or false`);
}

const list = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);
const ASID = /^\d{1,20}$/;
const ODS = /^[A-Za-z0-9]{3,10}$/;

/** NDOP_* variables over `base` (a new object; base is not changed). Relative paths are taken from the working directory. */
export function securityFromEnv(env: NodeJS.ProcessEnv, base: SecuritySettings, fail: Fail): SecuritySettings {
  const jwt: JwtSettings = { ...base.jwt, claims: { ...base.jwt.claims } };
  if (env.NDOP_JWT) jwt.mode = oneOf(env.NDOP_JWT, JWT_MODES, 'NDOP_JWT', fail);
  if (env.NDOP_JWT_HEADER) jwt.header = oneOf(env.NDOP_JWT_HEADER, JWT_HEADERS, 'NDOP_JWT_HEADER', fail);
  if (env.NDOP_JWT_ALGORITHM) jwt.algorithm = oneOf(env.NDOP_JWT_ALGORITHM, JWT_ALGORITHMS, 'NDOP_JWT_ALGORITHM', fail);
  if (env.NDOP_JWT_KEY_FILE) jwt.keyFile = resolve(env.NDOP_JWT_KEY_FILE);
  if (env.NDOP_JWT_KEY_ID) jwt.keyId = env.NDOP_JWT_KEY_ID;
  if (env.NDOP_JWT_CLAIMS) jwt.claims = jsonObject(env.NDOP_JWT_CLAIMS, 'NDOP_JWT_CLAIMS', fail);

  const spine: SpineHeaderSettings = { ...base.spine, interactionIds: { ...base.spine.interactionIds }, headers: { ...base.spine.headers } };
  if (env.NDOP_SSP_FROM) spine.from = matching(env.NDOP_SSP_FROM, ASID, 'an ASID (digits)', 'NDOP_SSP_FROM', fail);
  if (env.NDOP_SSP_TO) spine.to = matching(env.NDOP_SSP_TO, ASID, 'an ASID (digits)', 'NDOP_SSP_TO', fail);
  if (env.NDOP_INTERACTION_IDS) spine.interactionIds = interactionMap(jsonObject(env.NDOP_INTERACTION_IDS, 'NDOP_INTERACTION_IDS', fail), 'NDOP_INTERACTION_IDS', fail);
  if (env.NDOP_EXTRA_HEADERS) spine.headers = stringMap(jsonObject(env.NDOP_EXTRA_HEADERS, 'NDOP_EXTRA_HEADERS', fail), 'NDOP_EXTRA_HEADERS', fail);

  const tls: TlsSettings = { ...base.tls };
  if (env.NDOP_TLS_CERT) tls.cert = resolve(env.NDOP_TLS_CERT);
  if (env.NDOP_TLS_KEY) tls.key = resolve(env.NDOP_TLS_KEY);
  if (env.NDOP_TLS_PFX) tls.pfx = resolve(env.NDOP_TLS_PFX);
  if (env.NDOP_TLS_CA) tls.ca = resolve(env.NDOP_TLS_CA);
  if (env.NDOP_TLS_SERVERNAME) tls.servername = env.NDOP_TLS_SERVERNAME;
  if (env.NDOP_TLS_PASSPHRASE_ENV) tls.passphraseEnv = matching(env.NDOP_TLS_PASSPHRASE_ENV, /^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name', 'NDOP_TLS_PASSPHRASE_ENV', fail);

  return {
    jwt,
    spine,
    tls,
    odsCode: env.NDOP_ODS_CODE ? matching(env.NDOP_ODS_CODE, ODS, 'an ODS code', 'NDOP_ODS_CODE', fail) : base.odsCode,
    allowWrites: env.NDOP_ALLOW_WRITES ? flag(env.NDOP_ALLOW_WRITES, 'NDOP_ALLOW_WRITES', fail) : base.allowWrites,
    optIn: env.NDOP_OPT_IN !== undefined ? list(env.NDOP_OPT_IN) : [...base.optIn],
  };
}

/** The inverse of securityFromEnv, for the vitest workers (paths are already absolute). */
export function securityToEnv(s: SecuritySettings): Record<string, string> {
  const env: Record<string, string> = {
    NDOP_JWT: s.jwt.mode,
    NDOP_JWT_HEADER: s.jwt.header,
    NDOP_JWT_ALGORITHM: s.jwt.algorithm,
    NDOP_JWT_CLAIMS: JSON.stringify(s.jwt.claims),
    NDOP_INTERACTION_IDS: JSON.stringify(s.spine.interactionIds),
    NDOP_EXTRA_HEADERS: JSON.stringify(s.spine.headers),
    NDOP_ODS_CODE: s.odsCode,
    NDOP_TLS_PASSPHRASE_ENV: s.tls.passphraseEnv,
    NDOP_ALLOW_WRITES: String(s.allowWrites),
    NDOP_OPT_IN: s.optIn.join(','),
  };
  const optional: Array<[string, string | undefined]> = [
    ['NDOP_JWT_KEY_FILE', s.jwt.keyFile],
    ['NDOP_JWT_KEY_ID', s.jwt.keyId],
    ['NDOP_SSP_FROM', s.spine.from],
    ['NDOP_SSP_TO', s.spine.to],
    ['NDOP_TLS_CERT', s.tls.cert],
    ['NDOP_TLS_KEY', s.tls.key],
    ['NDOP_TLS_PFX', s.tls.pfx],
    ['NDOP_TLS_CA', s.tls.ca],
    ['NDOP_TLS_SERVERNAME', s.tls.servername],
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = value;
  return env;
}

/**
 * Reads what the settings point at, so that a missing key, a certificate that cannot be used or a wrong
 * passphrase stops the run before it starts (the command's exit 2), never halfway through.
 */
export function checkSecurityFiles(s: SecuritySettings, fail: Fail, env: NodeJS.ProcessEnv = process.env): void {
  if (s.jwt.mode === 'signed') {
    if (!s.jwt.keyFile) throw fail('jwt: mode "signed" needs a key file (jwt.keyFile / NDOP_JWT_KEY_FILE)');
    try {
      loadSigningKey(s.jwt.keyFile, s.jwt.algorithm);
    } catch (e) {
      throw fail(`jwt.keyFile: ${(e as Error).message}`);
    }
  }
  try {
    connectionTls(s.tls, env);
  } catch (e) {
    if (e instanceof TlsConfigError) throw fail(e.message);
    throw e;
  }
}

/** The configuration file's security keys (config-file.schema.json), as loaded. */
export interface SecurityFile {
  allowWrites?: boolean;
  optIn?: string[];
  odsCode?: string;
  jwt?: Partial<Omit<JwtSettings, 'claims'>> & { claims?: Record<string, unknown> };
  spine?: Partial<SpineHeaderSettings>;
  tls?: Partial<TlsSettings>;
}

/** The file's keys over `base`; file paths in it are relative to the file's own folder. */
export function securityFromFile(file: SecurityFile, base: SecuritySettings, fileDir: string): SecuritySettings {
  const inFileDir = (p: string | undefined) => (p === undefined ? undefined : resolve(fileDir, p));
  const jwt: JwtSettings = { ...base.jwt, ...file.jwt, claims: { ...base.jwt.claims, ...file.jwt?.claims } };
  if (file.jwt?.keyFile) jwt.keyFile = inFileDir(file.jwt.keyFile);
  const tls: TlsSettings = { ...base.tls, ...file.tls };
  for (const name of ['cert', 'key', 'pfx', 'ca'] as const) if (file.tls?.[name]) tls[name] = inFileDir(file.tls[name]);
  return {
    jwt,
    spine: {
      ...base.spine,
      ...file.spine,
      interactionIds: { ...base.spine.interactionIds, ...file.spine?.interactionIds },
      headers: { ...base.spine.headers, ...file.spine?.headers },
    },
    tls,
    odsCode: file.odsCode ?? base.odsCode,
    allowWrites: file.allowWrites ?? base.allowWrites,
    optIn: file.optIn ? [...file.optIn] : [...base.optIn],
  };
}
