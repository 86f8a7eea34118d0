/** The audit JWT rules as data (audit-jwt.json): lifetime, default claims, required claims, scope claims. */
import { readFileSync } from 'node:fs';

export interface AuditJwtRules {
  lifetimeSeconds: number;
  /** Slack on exp - iat, for a client that reads its clock twice (iat, then exp) across a second boundary. */
  lifetimeToleranceSeconds: number;
  audience: string;
  reasonForRequest: string;
  issuer: string;
  scopeResource: string;
  /** Claims that carry the scope: the sample token's requested_scopes and the table's scope. */
  scopeClaims: string[];
  /** Claims the reference server requires (besides a scope claim). */
  requiredClaims: string[];
  identifierSystems: { asid: string; odsCode: string };
  defaultAsid: string;
  defaultOdsCode: string;
}

export const AUDIT_JWT = JSON.parse(readFileSync(new URL('./audit-jwt.json', import.meta.url), 'utf8')) as AuditJwtRules;
