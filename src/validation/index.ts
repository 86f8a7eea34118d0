/** Profile validation: structure, cardinality, fixed values, bindings and FHIRPath invariants. */
export { createValidator, DEFAULT_PROFILE_DIR } from './validator.js';
export type { ValidatorInternals } from './validator.js';
export type { FhirResource, Severity, ValidationIssue, Validator, ValidatorOptions } from './types.js';

export const PROFILES = {
  consent: 'https://fhir.nhs.uk/STU3/StructureDefinition/NDOP-Consent-1',
  operationOutcome: 'https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1',
} as const;
