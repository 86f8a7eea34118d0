/**
 * What the audit JWT rules (audit-jwt.json) say of a token's claims, as plain answers: the reference
 * server's guard refuses on them and client assurance mode reports them, so both judge a token alike.
 */
import { AUDIT_JWT } from './audit-jwt-data.js';
import { scopeFor, type SpineInteraction } from './interactions.js';

/** The token in an Authorization or Ssp-Authorization value: `Bearer <jwt>` or the bare token. */
export function tokenFromHeader(value: string): string {
  return value.trim().replace(/^Bearer\s+/i, '');
}

/** The mandatory claims the token lacks (absent, null or empty). */
export function missingAuditClaims(claims: Record<string, unknown>): string[] {
  return AUDIT_JWT.requiredClaims.filter((name) => claims[name] === undefined || claims[name] === null || claims[name] === '');
}

/** The scope claims present, and those that do not grant `interaction`'s scope (a space-separated list may hold more). */
export function scopeClaims(claims: Record<string, unknown>, interaction: SpineInteraction): { wanted: string; present: string[]; notGranting: string[] } {
  const wanted = scopeFor(interaction);
  const present = AUDIT_JWT.scopeClaims.filter((name) => claims[name] !== undefined);
  const notGranting = present.filter((name) => !(typeof claims[name] === 'string' && (claims[name] as string).split(' ').includes(wanted)));
  return { wanted, present, notGranting };
}
