/** Profile validation: structure, cardinality, fixed values, bindings and FHIRPath invariants. */
import { createValidator } from './validator.js';
import type { Validator } from './types.js';

export { createValidator, DEFAULT_PROFILE_DIR } from './validator.js';
export type { ValidatorInternals } from './validator.js';
export type { FhirResource, Severity, ValidationIssue, Validator, ValidatorOptions } from './types.js';

export const PROFILES = {
  consent: 'https://fhir.nhs.uk/STU3/StructureDefinition/NDOP-Consent-1',
  operationOutcome: 'https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1',
} as const;

let shared: Validator | undefined;

/**
 * One validator for the whole process, compiled on first use. Compiling takes about a second, so
 * the embedded reference server and the scenario engine, which run in the same process during an
 * assurance run, share this one instead of compiling twice.
 */
export function sharedValidator(): Validator {
  shared ??= createValidator();
  return shared;
}
