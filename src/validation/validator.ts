/**
 * The validator: compiles base STU3 and every profile in the profile folder once, then
 * validates resources with the compiled functions only.
 */
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isResourceType, model } from '../fhir/model/index.js';
import { profileTree } from './element-rules.js';
import { InvariantCompiler } from './invariants.js';
import { mapErrors } from './issues.js';
import { addFhirKeywords } from './keywords.js';
import { addPropertiesKeyword } from './properties-keyword.js';
import { addSliceRouteKeyword } from './slice-route-keyword.js';
import { loadProfileStore } from './profile-store.js';
import { baseRef, SchemaBuilder } from './schema-builder.js';
import { Terminology } from './terminology.js';
import { testOnlyRegExp } from './test-only-regexp.js';
import type { FhirResource, ValidationIssue, Validator, ValidatorOptions } from './types.js';

type Node = Record<string, unknown>;

export const DEFAULT_PROFILE_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

const NO_ERRORS: ErrorObject[] = [];

/** ajv's messages, passed on, except its notice that jsPropertySyntax is deprecated (the option is used on purpose). */
const AJV_LOGGER = {
  log: (...args: unknown[]): void => console.log(...args),
  warn: (...args: unknown[]): void => {
    if (!String(args[0]).includes('option jsPropertySyntax')) console.warn(...args);
  },
  error: (...args: unknown[]): void => console.error(...args),
};
const RESOURCE_TYPES = new Set(Object.keys(model.types).filter(isResourceType));

/** Resource types compiled when the validator is created, besides those of the profiles. */
const EAGER_BASE_TYPES = ['Bundle', 'OperationOutcome', 'Consent'];

interface CompiledProfile {
  url: string;
  resourceType: string;
  validate: ValidateFunction;
}

export interface ValidatorInternals {
  /** Number of ajv compilations (one per profile and per base resource type used). */
  schemaCompilations(): number;
  /** Number of distinct FHIRPath expressions compiled. */
  invariantCompilations(): number;
}

export function createValidator(options: ValidatorOptions = {}): Validator & ValidatorInternals {
  const store = loadProfileStore(options.profileDir ?? DEFAULT_PROFILE_DIR);
  const terminology = new Terminology();
  for (const { file, resource } of store.codeSystems) terminology.addCodeSystem(resource, file);
  for (const { file, resource } of store.valueSets) terminology.addValueSet(resource, file);

  const invariants = new InvariantCompiler();
  // jsPropertySyntax: instancePaths such as `.extension[0].valueCodeableConcept`, which are nearly
  // FHIRPath already (issues.ts). ajv deprecates the option, so its one warning about it is dropped.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, unicodeRegExp: false, jsPropertySyntax: true, logger: AJV_LOGGER, code: { regExp: testOnlyRegExp } });
  const baseValidators = new Map<string, ValidateFunction>();
  const profiles = new Map<string, CompiledProfile>();
  let compilations = 0;
  /** Set when a resource (top-level or nested) was checked by more than one schema in this call. */
  let severalSchemas = false;

  const compile = (schema: object): ValidateFunction => {
    compilations++;
    return ajv.compile(schema);
  };
  const baseValidator = (type: string): ValidateFunction => {
    let fn = baseValidators.get(type);
    if (!fn) {
      fn = compile(baseRef(type));
      baseValidators.set(type, fn);
    }
    return fn;
  };

  /** Errors of one resource against base STU3 and its known meta.profile entries (plus `extra`). */
  const errorsOf = (resource: Node, extra?: CompiledProfile): ErrorObject[] => {
    const type = resource.resourceType;
    if (typeof type !== 'string' || !RESOURCE_TYPES.has(type)) {
      const message = `Expected a FHIR STU3 resource, but resourceType is ${JSON.stringify(type)}.`;
      return [{ keyword: 'fhirResourceType', instancePath: '', schemaPath: '', params: { result: [{ path: '', severity: 'error', rule: 'type', message }] } }];
    }
    // A profile's schema includes every base rule, so base validation is only needed without one.
    let first = extra;
    let others: CompiledProfile[] | undefined;
    let unknown: string[] | undefined;
    const declared = (resource.meta as Node | undefined)?.profile;
    if (Array.isArray(declared)) {
      for (const url of declared) {
        if (typeof url !== 'string') continue;
        const p = profiles.get(url);
        if (!p) (unknown ??= []).push(url);
        else if (p.resourceType !== type || p === first) continue;
        else if (!first) first = p;
        else if (!others?.includes(p)) (others ??= []).push(p);
      }
    }
    let errors: ErrorObject[] | undefined;
    if (others) severalSchemas = true;
    const main = first ? first.validate : baseValidator(type);
    if (!main(resource) && main.errors) errors = main.errors;
    for (const p of others ?? []) if (!p.validate(resource) && p.validate.errors) (errors = errors ? [...errors] : []).push(...p.validate.errors);
    for (const url of unknown ?? []) {
      const message = `meta.profile names ${url}, which this validator does not hold; the resource was validated against base STU3 for it.`;
      (errors ??= []).push({ keyword: 'fhirProfile', instancePath: '.meta.profile', schemaPath: '', params: { result: [{ path: '', severity: 'information', rule: 'profile', message }] } });
    }
    return errors ?? NO_ERRORS;
  };

  addPropertiesKeyword(ajv);
  addSliceRouteKeyword(ajv);
  addFhirKeywords(ajv, { terminology, invariants, nested: (resource) => errorsOf(resource) });

  const extensionIds = new Map<string, string>();
  const builder = new SchemaBuilder(terminology, (url) => extensionIds.get(url));
  ajv.addSchema(builder.baseDocument());

  const definitions = store.structureDefinitions.map(({ file, resource }) => {
    const snapshot = (resource.snapshot as Node | undefined)?.element;
    if (typeof resource.url !== 'string' || !Array.isArray(snapshot)) throw new Error(`${file}: a StructureDefinition needs a url and a snapshot`);
    return { file, url: resource.url, type: String(resource.type), tree: profileTree(snapshot as Node[], file) };
  });
  // Extension profiles first: resource profiles refer to them by url.
  for (const d of definitions.filter((d) => d.type === 'Extension')) extensionIds.set(d.url, d.url);
  for (const d of definitions.filter((d) => d.type === 'Extension')) ajv.addSchema(builder.profileDocument(d.url, d.tree, undefined));
  for (const d of definitions.filter((d) => d.type !== 'Extension')) {
    if (!isResourceType(d.type)) throw new Error(`${d.file}: profiles of ${d.type} are not supported (only resources and extensions)`);
    const validate = compile(builder.profileDocument(d.url, d.tree, d.type));
    profiles.set(d.url, { url: d.url, resourceType: d.type, validate });
  }
  for (const type of new Set([...EAGER_BASE_TYPES, ...[...profiles.values()].map((p) => p.resourceType)])) baseValidator(type);

  return {
    validate(resource: FhirResource, profileUrl?: string): ValidationIssue[] {
      if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
        return [{ severity: 'error', location: '(resource)', rule: 'type', message: `Expected a FHIR resource object, but found ${resource === null ? 'null' : Array.isArray(resource) ? 'an array' : typeof resource}.` }];
      }
      let extra: CompiledProfile | undefined;
      if (profileUrl !== undefined) {
        extra = profiles.get(profileUrl);
        if (!extra) throw new Error(`Unknown profile ${profileUrl}; known profiles: ${[...profiles.keys()].join(', ')}`);
        if (extra.resourceType !== resource.resourceType) {
          return [
            {
              severity: 'error',
              location: String(resource.resourceType),
              rule: 'profile',
              message: `Profile ${profileUrl} constrains ${extra.resourceType}, but the resource is a ${String(resource.resourceType)}.`,
            },
          ];
        }
      }
      severalSchemas = false;
      const errors = errorsOf(resource as Node, extra);
      return errors.length ? mapErrors(String(resource.resourceType), errors, severalSchemas) : [];
    },
    profiles: () => [...profiles.keys()],
    schemaCompilations: () => compilations,
    invariantCompilations: () => invariants.compilations,
  };
}

