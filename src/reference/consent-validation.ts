/**
 * Validation of an incoming Consent in the order the error table needs: base STU3 first (400),
 * then the NDOP-Consent-1 profile (422). Warnings never reject. Each error becomes an issue of the
 * OperationOutcome so the client sees exactly which element broke which rule.
 */
import { PROFILES, sharedValidator } from '../validation/index.js';
import type { ValidationIssue, Validator } from '../validation/index.js';
import { ApiError } from './outcome.js';
import type { ExtraIssue } from './outcome.js';
import type { ResourceData } from './store.js';

export interface ConsentValidator {
  /** Throws ApiError INVALID_STU3 or PROFILE_VIOLATION when `consent` has errors. */
  check(consent: ResourceData): void;
}

function asIssues(errors: readonly ValidationIssue[]): ExtraIssue[] {
  return errors.map((e) => ({ diagnostics: `${e.location}: ${e.message} [${e.rule}]`, location: e.location }));
}

function summary(errors: readonly ValidationIssue[]): string {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}, listed in the following issues)` : '';
  return `${first.location}: ${first.message}${more}`;
}

/** The resource without meta.profile, so that the validator checks base STU3 only. */
function withoutDeclaredProfiles(resource: ResourceData): ResourceData {
  const meta = resource.meta;
  if (!meta || typeof meta !== 'object' || !('profile' in meta)) return resource;
  const { profile: _profile, ...rest } = meta as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return { ...resource, meta: rest };
  const { meta: _meta, ...withoutMeta } = resource;
  return withoutMeta as ResourceData;
}

export function consentValidator(validator: Validator = sharedValidator()): ConsentValidator {
  return {
    check(consent) {
      // Profile validation includes base STU3, so a valid Consent costs one pass; only a failing one
      // is validated again without its profiles, to tell base errors (400) from profile errors (422).
      const errors = validator.validate(consent, PROFILES.consent).filter((i) => i.severity === 'error');
      if (errors.length === 0) return;
      const baseErrors = validator.validate(withoutDeclaredProfiles(consent)).filter((i) => i.severity === 'error');
      if (baseErrors.length > 0) {
        throw new ApiError('INVALID_STU3', `The Consent is not valid FHIR STU3: ${summary(baseErrors)}`, { extraIssues: asIssues(baseErrors) });
      }
      throw new ApiError('PROFILE_VIOLATION', `The Consent does not conform to NDOP-Consent-1: ${summary(errors)}`, { extraIssues: asIssues(errors) });
    },
  };
}

/** Compiling the profiles takes a while: one validator for every server (and engine) in the process. */
export { sharedValidator };
