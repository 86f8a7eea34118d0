/** POST [base]/Consent (build_consent_restful.md §2). */
import { checkRules, duplicateKey, patientReference } from '../consent-rules.js';
import { ApiError } from '../outcome.js';
import { allowedParams } from '../params.js';
import { versionHeaders } from '../representation.js';
import { wantsMinimal } from './prefer.js';
import type { Handler } from '../exchange.js';

export const create: Handler = async (exchange, context) => {
  allowedParams(exchange.query, [], 'create');
  const consent = await context.readConsent(exchange, context);
  if (consent.id !== undefined) {
    throw new ApiError('ID_ON_CREATE', `The Consent carries the id "${String(consent.id).slice(0, 80)}"; the server assigns the logical id on create, so a client must not send one.`);
  }
  context.validator.check(consent);
  const violation = checkRules(consent, context.rules);
  if (violation) throw new ApiError(violation.key, violation.diagnostics);
  const result = await context.store.create(consent, { patient: patientReference(consent), duplicateKey: duplicateKey(consent) });
  if (result.outcome === 'duplicate') {
    throw new ApiError('DUPLICATE', `A Consent for this patient, policy and purpose already exists (Consent/${result.existingId}); update it instead of creating another.`);
  }
  return {
    status: 201,
    resource: wantsMinimal(exchange) ? undefined : result.version.resource,
    headers: versionHeaders(result.version, exchange.baseUrl, true),
    interaction: 'create',
  };
};
