/**
 * Secret values (audit JWTs, the TLS passphrase, values of configured secret headers) never reach a
 * report: header redaction by name covers what the harness sends, and this scrubs the values wherever
 * else they turn up, e.g. a target that echoes the Authorization header in a body or a response header.
 */
import type { EngineSettings } from '../config/settings.js';
import { REDACTED, tlsSecretValues } from '../transport/index.js';

/** Shorter values are too likely to be ordinary text; they stay covered by header redaction only. */
const MIN_SECRET_LENGTH = 6;

/** The secrets a run knows before it sends anything: the TLS passphrase and configured secret header values. */
export function configuredSecrets(settings: EngineSettings): string[] {
  const secretNames = new Set(settings.secretHeaders.map((h) => h.toLowerCase()));
  const headerValues = Object.entries(settings.spine.headers).filter(([name]) => secretNames.has(name.toLowerCase())).map(([, value]) => value);
  return [...tlsSecretValues(settings.tls), ...headerValues];
}

/** A JWT is also scrubbed part by part, should a target echo only its payload. */
function withParts(secrets: readonly string[]): string[] {
  const all = new Set<string>();
  for (const s of secrets) {
    all.add(s);
    for (const part of s.split(/[.\s]/)) if (part.length >= 16) all.add(part);
  }
  return [...all].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

function scrubString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

function scrubValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubString(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubString(k, secrets), scrubValue(v, secrets)]));
  return value;
}

/** A copy of `value` with every secret (and every long part of one) replaced by [redacted]. */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const list = withParts(secrets);
  return list.length === 0 ? value : (scrubValue(value, list) as T);
}
