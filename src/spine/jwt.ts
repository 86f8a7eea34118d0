/**
 * The audit JWT a client sends with every request (development_security_jwt.md): a new token each
 * time, unsigned (`alg: none`) as the guide says, or signed (RS256/ES256) where an environment wants it.
 * The claim defaults and lifetime are data (audit-jwt.json); every claim can be configured.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { base64url, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import type { ClaimOverrides, JwtAlgorithm, JwtHeader } from './jwt-settings.js';
import { AUDIT_JWT } from './audit-jwt-data.js';
import { scopeFor, type SpineInteraction } from './interactions.js';

export { AUDIT_JWT };
export { DEFAULT_JWT_SETTINGS, JWT_ALGORITHMS, JWT_HEADERS, JWT_MODES, loadSigningKey } from './jwt-settings.js';
export type { ClaimOverrides, JwtAlgorithm, JwtHeader, JwtMode, JwtSettings } from './jwt-settings.js';

/** Who is asking: the requesting system's ASID and organisation's ODS code. */
export interface Requester {
  asid: string;
  odsCode: string;
}

export interface AuditRequest {
  interaction: SpineInteraction;
  /** The PDS reference of the patient the request is about, when there is one. */
  patientRef?: string;
}

/** How a scenario changes the token of one request (docs/scenario-format.md, request.jwt). */
export type JwtVariant = 'omit' | 'malformed' | 'expired' | { claims: ClaimOverrides };

export const MALFORMED_JWT = 'not-a-jwt';

const identifier = (system: string, value: string) => `${system}|${value}`;

function applyOverrides(claims: Record<string, unknown>, overrides: ClaimOverrides): void {
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
}

/**
 * The claims of one request's token: the table's mandatory claims (iss, sub, aud, exp = iat + 5 min, iat,
 * reason_for_request, scope and requesting_system), the sample token's requested_scopes and
 * requested_record, the requesting organisation, a jti so no two tokens are alike, then the configured
 * claims and finally the scenario's.
 */
export function auditClaims(
  request: AuditRequest,
  requester: Requester,
  configured: ClaimOverrides = {},
  scenario: ClaimOverrides = {},
  nowSeconds: number = Math.floor(Date.now() / 1000),
): JWTPayload {
  const scope = scopeFor(request.interaction);
  const organization = identifier(AUDIT_JWT.identifierSystems.odsCode, requester.odsCode);
  const claims: Record<string, unknown> = {
    iss: AUDIT_JWT.issuer,
    sub: organization,
    aud: AUDIT_JWT.audience,
    exp: nowSeconds + AUDIT_JWT.lifetimeSeconds,
    iat: nowSeconds,
    jti: randomUUID(),
    reason_for_request: AUDIT_JWT.reasonForRequest,
    ...Object.fromEntries(AUDIT_JWT.scopeClaims.map((name) => [name, scope])),
    ...(request.patientRef ? { requested_record: { resourceType: 'Consent', patient: [{ reference: request.patientRef }] } } : {}),
    requesting_system: identifier(AUDIT_JWT.identifierSystems.asid, requester.asid),
    requesting_organization: organization,
  };
  applyOverrides(claims, configured);
  applyOverrides(claims, scenario);
  return claims as JWTPayload;
}

/** Claims of a token that expired five minutes ago (issued ten minutes ago). */
export function expiredOverrides(nowSeconds: number = Math.floor(Date.now() / 1000)): ClaimOverrides {
  return { iat: nowSeconds - 2 * AUDIT_JWT.lifetimeSeconds, exp: nowSeconds - AUDIT_JWT.lifetimeSeconds };
}

export interface Signer {
  algorithm: JwtAlgorithm;
  key: KeyObject;
  keyId?: string;
}

/** The guide's header for an unsecured token; jose writes `{"alg":"none"}` alone, so its payload part is reused under this one. */
const UNSECURED_HEADER = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));

export async function encodeJwt(claims: JWTPayload, signer?: Signer): Promise<string> {
  if (!signer) return `${UNSECURED_HEADER}.${new UnsecuredJWT(claims).encode().split('.')[1]}.`;
  return new SignJWT(claims).setProtectedHeader({ alg: signer.algorithm, typ: 'JWT', ...(signer.keyId ? { kid: signer.keyId } : {}) }).sign(signer.key);
}

/** The header value: `Bearer <jwt>` in Authorization (RFC 6750, the JWT page); the bare token in Ssp-Authorization (the metadata page). */
export function authorizationValue(header: JwtHeader, token: string): string {
  return header === 'Authorization' ? `Bearer ${token}` : token;
}

