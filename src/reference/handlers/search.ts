/** GET [base]/Consent?patient=...&_id=...&purpose=...&category=... (build_consent_restful.md §1 and §4). */
import { categoryMatches, purposeMatches } from '../consent-rules.js';
import { ApiError } from '../outcome.js';
import { allowedParams, checkPatientParam, nonEmpty } from '../params.js';
import { searchsetBundle, selfUrl } from '../representation.js';
import type { Handler } from '../exchange.js';

export const SEARCH_PARAMETERS = ['patient', '_id', 'purpose', 'category'] as const;

export const search: Handler = async (exchange, context) => {
  const params = allowedParams(exchange.query, SEARCH_PARAMETERS, 'search');
  const patientParam = params.get('patient');
  const id = nonEmpty('_id', params.get('_id'));
  const purpose = nonEmpty('purpose', params.get('purpose'));
  const category = nonEmpty('category', params.get('category'));
  if (patientParam === undefined && id === undefined) {
    throw new ApiError('PARAMETER_NOT_SUPPORTED', 'A Consent search needs the patient parameter (a PDS Patient URL) or _id.');
  }
  const patient = patientParam === undefined ? undefined : checkPatientParam(patientParam);
  const found = (await context.store.findCurrent({ ...(patient ? { patient } : {}), ...(id ? { id } : {}) }))
    .filter((v) => purpose === undefined || purposeMatches(v.resource, purpose))
    .filter((v) => category === undefined || categoryMatches(v.resource, category));
  return {
    status: 200,
    resource: searchsetBundle(found, exchange.baseUrl, selfUrl(exchange.baseUrl, exchange.rawPath, exchange.rawQuery)),
    headers: {},
    interaction: 'search-type',
  };
};
