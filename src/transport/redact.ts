/** Secret header values never reach evidence, reports or logs. */
import { REDACTED } from './evidence.js';

export const ALWAYS_SECRET = ['authorization', 'ssp-authorization', 'cookie', 'set-cookie', 'proxy-authorization'];

export function redactHeaders(headers: Record<string, string>, extraSecret: readonly string[] = []): Record<string, string> {
  const secret = new Set([...ALWAYS_SECRET, ...extraSecret.map((h) => h.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = secret.has(name.toLowerCase()) ? REDACTED : value;
  return out;
}
