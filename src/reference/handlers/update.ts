/** PUT [base]/Consent/{id} (build_consent_restful.md §3): whole resource, id required and equal to the URL's. */
import { checkRules, duplicateKey, patientReference } from '../consent-rules.js';
import { ApiError } from '../outcome.js';
import { allowedParams } from '../params.js';
import { versionFromIfMatch, versionHeaders } from '../representation.js';
import { wantsMinimal } from './prefer.js';
import type { Handler } from '../exchange.js';

function unknownId(id: string): ApiError {
  return new ApiError('UPDATE_UNKNOWN_ID', `There is no Consent with id "${id.slice(0, 80)}"; update does not create resources (updateCreate is false).`);
}

export const update: Handler = async (exchange, context) => {
  allowedParams(exchange.query, [], 'update');
  const id = exchange.pathParams.id!;
  const consent = await context.readConsent(exchange, context);
  if (consent.id === undefined) {
    throw new ApiError('UPDATE_WITHOUT_ID', `The Consent has no id; an update must send the whole resource including its id "${id}".`);
  }
  if (consent.id !== id) {
    throw new ApiError('UPDATE_ID_MISMATCH', `The Consent's id "${String(consent.id).slice(0, 80)}" differs from the id "${id}" in the URL.`);
  }
  context.validator.check(consent);
  const violation = checkRules(consent, context.rules);
  if (violation) throw new ApiError(violation.key, violation.diagnostics);

  const ifMatch = exchange.req.headers['if-match'];
  let expected: string | undefined;
  if (typeof ifMatch === 'string' && ifMatch.trim() !== '*') {
    expected = versionFromIfMatch(ifMatch);
    if (expected === undefined) {
      // Nothing can match an unreadable tag; an unknown id is still reported as such first.
      if (!(await context.store.current(id))) throw unknownId(id);
      throw new ApiError('STALE_IF_MATCH', `If-Match ${ifMatch.slice(0, 80)} is not an entity tag of the form W/"<versionId>".`);
    }
  }
  const result = await context.store.update(id, consent, { patient: patientReference(consent), duplicateKey: duplicateKey(consent) }, expected);
  switch (result.outcome) {
    case 'not-found':
      throw unknownId(id);
    case 'precondition-failed':
      throw new ApiError('STALE_IF_MATCH', `If-Match ${ifMatch} does not match the current version ${result.currentVersionId} (ETag W/"${result.currentVersionId}").`);
    case 'duplicate':
      throw new ApiError('DUPLICATE', `Another Consent (Consent/${result.existingId}) already holds this patient, policy and purpose.`);
    case 'updated':
      return {
        status: 200,
        resource: wantsMinimal(exchange) ? undefined : result.version.resource,
        headers: versionHeaders(result.version, exchange.baseUrl, true),
        interaction: 'update',
      };
  }
};
