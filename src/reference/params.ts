/**
 * Checking query parameters against what an interaction declares. Unknown parameters are refused
 * rather than ignored, so a client never mistakes an unfiltered result for a filtered one.
 */
import { isValidNhsNumber } from '../fhir/nhs-number.js';
import { ApiError } from './outcome.js';
import type { QueryParams } from './request-io.js';

/** `_format` is accepted by every interaction. */
const ALWAYS_ALLOWED = ['_format'];

/** The parameters as a map, after refusing unknown and repeated ones. */
export function allowedParams(query: QueryParams, allowed: readonly string[], interaction: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const [name, value] of query) {
    if (!allowed.includes(name) && !ALWAYS_ALLOWED.includes(name)) {
      const supported = [...allowed, ...ALWAYS_ALLOWED].join(', ');
      throw new ApiError('PARAMETER_NOT_SUPPORTED', `The parameter "${name.slice(0, 80)}" is not supported by ${interaction} (supported: ${supported}).`);
    }
    if (result.has(name)) throw new ApiError('PARAMETER_VALUE_INVALID', `The parameter "${name}" is given more than once.`);
    result.set(name, value);
  }
  return result;
}

export const PDS_PATIENT_PREFIX = 'https://demographics.spineservices.nhs.uk/STU3/Patient/';
const PDS_PATIENT_URL = /^https:\/\/demographics\.spineservices\.nhs\.uk\/STU3\/Patient\/(\d{10})$/;

/** A `patient` parameter must be a PDS Patient URL holding a 10-digit NHS number that passes Modulus 11. */
export function checkPatientParam(value: string): string {
  const match = PDS_PATIENT_URL.exec(value);
  if (!match) {
    throw new ApiError(
      'PATIENT_NOT_PDS_URL',
      `The patient parameter "${value.slice(0, 120)}" is not a PDS Patient URL of the form ${PDS_PATIENT_PREFIX}{10-digit NHS number}.`,
    );
  }
  if (!isValidNhsNumber(match[1]!)) {
    throw new ApiError('PATIENT_NHS_NUMBER_INVALID', `The NHS number ${match[1]} in the patient parameter fails the Modulus 11 check.`);
  }
  return value;
}

/** A parameter that must not be empty when present. */
export function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new ApiError('PARAMETER_VALUE_INVALID', `The parameter "${name}" is empty.`);
  return value;
}
