/**
 * A persistent target (anything but the embedded server) may already hold Consents for a synthetic patient,
 * left by an earlier run or another tester; search-empty would then fail falsely and a create would be a
 * duplicate. So before a scenario uses a patient, the target is searched for it, and a patient it holds
 * Consents for is replaced by another, a bounded number of times.
 */
import type { EngineSettings } from '../config/settings.js';
import { send } from '../transport/index.js';
import type { Patient, PatientSource } from './patients.js';
import { buildRequest } from './request-builder.js';
import { parseResponse } from './response.js';
import { spineRequest } from './spine-request.js';
import { transportOptions } from './transport-options.js';
import type { RequestSpec } from './types.js';

export const MAX_PATIENT_TRIES = 10;

/** True when the target holds Consents for the patient. */
export type ConsentProbe = (patient: Patient) => Promise<boolean>;

export async function unusedPatient(source: PatientSource, holdsConsents: ConsentProbe, tries = MAX_PATIENT_TRIES): Promise<Patient> {
  const taken: string[] = [];
  for (let i = 0; i < tries; i++) {
    const patient = source.fresh();
    if (!(await holdsConsents(patient))) return patient;
    taken.push(patient.nhsNumber);
  }
  throw new Error(
    `no fresh synthetic patient: the target already holds Consents for every one of the ${tries} NHS numbers tried `
    + `(${taken.join(', ')}), so no scenario can start from a patient without Consents; clear the environment's `
    + 'synthetic 999-range data or configure its provisioned patients (fixedPatients, NDOP_FIXED_PATIENTS)',
  );
}

const SEARCH: RequestSpec = { method: 'GET', path: '/Consent?patient={{patient.ref}}' };

/**
 * Searches the target as the scenarios do (Spine headers, audit JWT, the run's TLS and limits). Only a 200
 * Bundle with a total or entries counts as holding Consents; any other answer cannot tell, and the scenario
 * meets that answer itself and reports it. The search is not part of any scenario's evidence.
 */
export function targetConsentProbe(baseUrl: string, settings: EngineSettings): ConsentProbe {
  return async (patient) => {
    try {
      const vars = { patient };
      const outgoing = buildRequest(SEARCH, 'json', baseUrl, vars);
      const { request } = await spineRequest(outgoing, SEARCH, vars, settings, baseUrl);
      const x = await send(request, transportOptions(settings));
      if (x.evidence.error || x.status !== 200) return false;
      const bundle = parseResponse(x.status, x.headers, x.body).resource as { resourceType: string; total?: number; entry?: unknown[] } | undefined;
      return bundle?.resourceType === 'Bundle' && ((bundle.total ?? 0) > 0 || (bundle.entry?.length ?? 0) > 0);
    } catch {
      return false;
    }
  };
}
