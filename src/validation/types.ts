/** Public types of the profile validator (see README.md in this folder). */

export type Severity = 'error' | 'warning' | 'information';

export interface ValidationIssue {
  severity: Severity;
  /** FHIRPath location, e.g. Consent.extension[0].valueCodeableConcept.coding[0].code */
  location: string;
  /** cardinality | unknown-element | type | format | fixed-value | binding | slice | reference-type | profile | invariant:<key> */
  rule: string;
  /** A sentence a person understands, saying what was expected and what was found. */
  message: string;
}

/** A FHIR resource in its JSON form, as produced by the codec (src/fhir). */
export interface FhirResource {
  resourceType: string;
  [element: string]: unknown;
}

export interface Validator {
  /**
   * Validates against base STU3 for the resource's type, against every known profile named in
   * meta.profile, and against `profileUrl` when given. Nested resources (Bundle.entry.resource,
   * contained) are validated the same way with locations relative to the outer resource.
   */
  validate(resource: FhirResource, profileUrl?: string): ValidationIssue[];
  /** Canonical URLs of the resource profiles (not extensions) this validator knows. */
  profiles(): string[];
}

export interface ValidatorOptions {
  /** Folder holding StructureDefinitions, CodeSystems and ValueSets as FHIR XML; defaults to the repo's profiles/. */
  profileDir?: string;
  /**
   * Where compiled validators are kept between processes (compiled-cache.ts); false compiles in
   * memory every time. Defaults to node_modules/.cache/ndop-assure/validator/.
   */
  cacheDir?: string | false;
}
