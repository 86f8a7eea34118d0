/**
 * History, newest first: GET [base]/Consent/{id}/_history (instance) and the guide's type history
 * GET [base]/Consent/_history?patient=...[&versionId=N] (build_consent_restful.md, "Searching history").
 */
import { ApiError } from '../outcome.js';
import { allowedParams, checkPatientParam } from '../params.js';
import { historyBundle, selfUrl } from '../representation.js';
import type { Handler } from '../exchange.js';

export const instanceHistory: Handler = async (exchange, context) => {
  allowedParams(exchange.query, [], 'instance history');
  const id = exchange.pathParams.id!;
  const versions = await context.store.history(id);
  if (!versions) throw new ApiError('VERSION_NOT_FOUND', `There is no Consent with id "${id.slice(0, 80)}".`);
  return {
    status: 200,
    resource: historyBundle(versions, exchange.baseUrl, selfUrl(exchange.baseUrl, exchange.rawPath, exchange.rawQuery)),
    headers: {},
    interaction: 'history-instance',
  };
};

export const typeHistory: Handler = async (exchange, context) => {
  const params = allowedParams(exchange.query, ['patient', 'versionId'], 'type history');
  const patientParam = params.get('patient');
  if (patientParam === undefined) throw new ApiError('PARAMETER_NOT_SUPPORTED', 'Consent history needs the patient parameter (a PDS Patient URL).');
  const patient = checkPatientParam(patientParam);
  const versionId = params.get('versionId');
  if (versionId !== undefined && !/^[1-9]\d{0,9}$/.test(versionId)) {
    throw new ApiError('PARAMETER_VALUE_INVALID', `The versionId parameter "${versionId.slice(0, 40)}" is not a version number (1, 2, ...).`);
  }
  const versions = (await context.store.historyForPatient(patient)).filter((v) => versionId === undefined || v.versionId === versionId);
  return {
    status: 200,
    resource: historyBundle(versions, exchange.baseUrl, selfUrl(exchange.baseUrl, exchange.rawPath, exchange.rawQuery)),
    headers: {},
    interaction: 'history-type',
  };
};
