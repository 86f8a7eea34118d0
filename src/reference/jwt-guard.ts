/**
 * `--require-jwt`: the reference server checks the audit JWT of every routed request as the project reads
 * development_security_jwt.md (decisions in docs/reference-server.md, "Audit JWT"): present, well formed,
 * the required claims, not expired, for this audience, with a scope that matches the interaction and,
 * when a verification key is configured, signed with it. Each failure is an ApiError from the catalogue;
 * no diagnostic ever repeats the token.
 */
import type { IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { AUDIT_JWT } from '../spine/audit-jwt-data.js';
import { missingAuditClaims, scopeClaims, tokenFromHeader } from '../spine/audit-claims.js';
import type { SpineInteraction } from '../spine/interactions.js';
import { ApiError } from './outcome.js';

export interface JwtRequirement {
  /** The aud the token must carry (default the guide's https://clinicals.spineservices.nhs.uk). */
  audience?: string;
  /** With a key, tokens must be signed (RS256/ES256) and verify; without one, `alg: none` is accepted as the guide says. */
  verifyKey?: KeyObject;
}

/** RFC 6750 §3: a 401 names the scheme it wants. */
const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };
const invalidToken = (key: string, diagnostics: string) => new ApiError(key, diagnostics, { headers: CHALLENGE });

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Authorization: Bearer <jwt> (the JWT page) or Ssp-Authorization: [Bearer ]<jwt> (the metadata page). */
function tokenOf(req: IncomingMessage): string {
  const raw = headerValue(req, 'authorization') ?? headerValue(req, 'ssp-authorization');
  if (raw === undefined || raw.trim() === '') {
    throw invalidToken('JWT_MISSING', 'No audit JWT: send it as Authorization: Bearer <token> (or in Ssp-Authorization).');
  }
  return tokenFromHeader(raw);
}

function decode(token: string): JWTPayload {
  try {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    if (header.alg === 'none' && !token.endsWith('.')) throw new Error('an unsigned token has an empty signature');
    return claims;
  } catch (e) {
    throw new ApiError('JWT_MALFORMED', `The audit JWT is not a well-formed JWT (${(e as Error).message.slice(0, 200)}).`);
  }
}

function checkClaims(claims: JWTPayload, nowSeconds: number): void {
  const missing = missingAuditClaims(claims);
  if (missing.length > 0) throw new ApiError('JWT_CLAIMS_INVALID', `The audit JWT lacks the mandatory claim(s) ${missing.join(', ')}.`);
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw new ApiError('JWT_CLAIMS_INVALID', 'exp and iat must be numbers (seconds since the epoch).');
  if (claims.exp - claims.iat > AUDIT_JWT.lifetimeSeconds + AUDIT_JWT.lifetimeToleranceSeconds) {
    throw new ApiError('JWT_CLAIMS_INVALID', `The audit JWT lives ${claims.exp - claims.iat} s; exp is at most iat + ${AUDIT_JWT.lifetimeSeconds} s.`);
  }
  if (claims.reason_for_request !== AUDIT_JWT.reasonForRequest) {
    throw new ApiError('JWT_CLAIMS_INVALID', `reason_for_request must be ${AUDIT_JWT.reasonForRequest}.`);
  }
  if (claims.exp <= nowSeconds) throw invalidToken('JWT_EXPIRED', `The audit JWT expired ${nowSeconds - claims.exp} s ago.`);
}

function checkAudience(claims: JWTPayload, audience: string): void {
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(audience)) throw invalidToken('JWT_WRONG_AUDIENCE', `The audit JWT is not for this server: aud must be ${audience}.`);
}

/** At least one scope claim; each one present must grant the interaction's scope (a space-separated list may hold more). */
function checkScope(claims: JWTPayload, interaction: SpineInteraction): void {
  const { wanted, present, notGranting } = scopeClaims(claims, interaction);
  if (present.length === 0 || notGranting.length > 0) {
    throw new ApiError('JWT_WRONG_SCOPE', `This ${interaction} needs the scope ${wanted} in ${AUDIT_JWT.scopeClaims.join(' / ')}.`);
  }
}

async function checkSignature(token: string, key: KeyObject): Promise<void> {
  try {
    await jwtVerify(token, key, { algorithms: ['RS256', 'ES256'] });
  } catch (e) {
    throw invalidToken('JWT_SIGNATURE_INVALID', `This server requires audit JWTs signed with its configured key (${(e as Error).message.slice(0, 200)}).`);
  }
}

export async function checkAuditJwt(req: IncomingMessage, interaction: SpineInteraction, requirement: JwtRequirement, nowSeconds = Math.floor(Date.now() / 1000)): Promise<void> {
  const token = tokenOf(req);
  const claims = decode(token);
  checkClaims(claims, nowSeconds);
  checkAudience(claims, requirement.audience ?? AUDIT_JWT.audience);
  checkScope(claims, interaction);
  if (requirement.verifyKey) await checkSignature(token, requirement.verifyKey);
}
