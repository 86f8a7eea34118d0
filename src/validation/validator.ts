/**
 * The validator: compiles base STU3 and every profile in the profile folder once, then
 * validates resources with the compiled functions only.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isResourceType, model } from '../fhir/model/index.js';
import { DEFAULT_CACHE_DIR, ENTRY_FORMAT, evaluateModule, readCachedValidator, validatorCacheKey, writeCachedValidator, type StoredValidator } from './compiled-cache.js';
import { InvariantCompiler } from './invariants.js';
import { mapErrors } from './issues.js';
import { fhirCheckFactories } from './keywords.js';
import { loadProfileStore, type ProfileStore } from './profile-store.js';
import { propertiesFactories } from './properties-keyword.js';
import { RuntimeValues } from './runtime-values.js';
import { baseId, SchemaCompiler } from './schema-compiler.js';
import { Terminology } from './terminology.js';
import { testOnlyRegExp } from './test-only-regexp.js';
import type { FhirResource, ValidationIssue, Validator, ValidatorOptions } from './types.js';

type Node = Record<string, unknown>;

export const DEFAULT_PROFILE_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

const NO_ERRORS: ErrorObject[] = [];

const RESOURCE_TYPES = new Set(Object.keys(model.types).filter(isResourceType));

/** Resource types compiled when the validator is created, besides those of the profiles. */
const EAGER_BASE_TYPES = ['Bundle', 'OperationOutcome', 'Consent'];

interface CompiledProfile {
  url: string;
  resourceType: string;
  validate: ValidateFunction;
}

export interface ValidatorInternals {
  /** Number of ajv compilations in this process (one per profile and per base resource type used; none when loaded from the cache). */
  schemaCompilations(): number;
  /** Number of distinct FHIRPath expressions compiled. */
  invariantCompilations(): number;
  /** Whether the profiles' compiled code came from the cache on disk. */
  loadedFromCache(): boolean;
}

/** The cache key, or undefined when the folder cannot be read (compiling then reports what is wrong with it). */
function cacheKeyOf(profileDir: string): string | undefined {
  try {
    return validatorCacheKey(profileDir);
  } catch {
    return undefined;
  }
}

/** Where a validator's compiled code comes from. */
type Source =
  | { kind: 'memory' }
  | { kind: 'cache'; stored: StoredValidator; filename: string }
  | { kind: 'compile-to-cache'; cacheDir: string; key: string };

export function createValidator(options: ValidatorOptions = {}): Validator & ValidatorInternals {
  const profileDir = options.profileDir ?? DEFAULT_PROFILE_DIR;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const key = cacheDir === false ? undefined : cacheKeyOf(profileDir);
  if (cacheDir === false || key === undefined) return buildValidator(profileDir, { kind: 'memory' });
  const stored = readCachedValidator(cacheDir, key);
  if (stored) {
    try {
      return buildValidator(profileDir, { kind: 'cache', stored, filename: join(cacheDir, `${key}.js`) });
    } catch {
      // A damaged entry is compiled again and replaced.
    }
  }
  return buildValidator(profileDir, { kind: 'compile-to-cache', cacheDir, key });
}

function buildValidator(profileDir: string, source: Source): Validator & ValidatorInternals {
  const terminology = new Terminology();
  const invariants = new InvariantCompiler();
  const baseValidators = new Map<string, ValidateFunction>();
  const profiles = new Map<string, CompiledProfile>();
  /** Set when a resource (top-level or nested) was checked by more than one schema in this call. */
  let severalSchemas = false;

  const factories = { ...propertiesFactories(), ...fhirCheckFactories({ terminology, invariants, nested: (resource) => errorsOf(resource) }) };
  let store: ProfileStore | undefined;
  const profileStore = (): ProfileStore => (store ??= loadProfileStore(profileDir));
  const fillTerminology = (codeSystems: ProfileStore['codeSystems'], valueSets: ProfileStore['valueSets']): void => {
    for (const { file, resource } of codeSystems) terminology.addCodeSystem(resource, file);
    for (const { file, resource } of valueSets) terminology.addValueSet(resource, file);
  };
  /** ajv with every schema, made only when something has to be compiled in this process. */
  let compiler: SchemaCompiler | undefined;
  let compilations = 0;
  const schemaCompiler = (forModule: boolean): SchemaCompiler => (compiler ??= new SchemaCompiler(profileStore(), terminology, factories, forModule));

  const baseValidator = (type: string): ValidateFunction => {
    let fn = baseValidators.get(type);
    if (!fn) {
      // A type not compiled ahead (a nested resource's) is compiled here, once.
      fn = schemaCompiler(false).compileBase(type);
      compilations++;
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

  /** Compiles the profiles and the eager base types in this process; with `forModule`, returns them as a module for the cache. */
  const compileAll = (forModule: boolean): StoredValidator | undefined => {
    const { codeSystems, valueSets } = profileStore();
    fillTerminology(codeSystems, valueSets);
    const c = schemaCompiler(forModule);
    for (const p of c.profiles) profiles.set(p.url, { url: p.url, resourceType: p.resourceType, validate: c.compileProfile(p) });
    const baseTypes = [...new Set([...EAGER_BASE_TYPES, ...c.profiles.map((p) => p.resourceType)])];
    for (const type of baseTypes) baseValidator(type);
    compilations += c.profiles.length;
    if (!forModule) return undefined;
    const { code, runtime, names } = c.moduleCode();
    return { code, entry: { format: ENTRY_FORMAT, profiles: c.profiles, baseTypes, names, runtime, codeSystems, valueSets } };
  };

  /** Takes the profiles and base types from a cached module; the terminology is filled from the entry unless already. */
  const useModule = ({ entry, code }: StoredValidator, filename: string, terminologyFilled: boolean): void => {
    if (!terminologyFilled) fillTerminology(entry.codeSystems, entry.valueSets);
    const runtime = new RuntimeValues(factories).loaded(entry.runtime, testOnlyRegExp);
    const functions = evaluateModule(code, filename, runtime);
    const fn = (id: string): ValidateFunction => {
      const f = functions[entry.names[id] ?? ''];
      if (!f) throw new Error(`${filename}: the cached validator has no function for ${id}`);
      return f;
    };
    profiles.clear();
    baseValidators.clear();
    for (const p of entry.profiles) profiles.set(p.url, { url: p.url, resourceType: p.resourceType, validate: fn(p.id) });
    for (const type of entry.baseTypes) baseValidators.set(type, fn(baseId(type)));
  };

  if (source.kind === 'memory') {
    compileAll(false);
  } else if (source.kind === 'cache') {
    useModule(source.stored, source.filename, false);
  } else {
    const stored = compileAll(true)!;
    // Stored only if the profiles read are still those the key was made from (an edit meanwhile is a miss next time).
    if (cacheKeyOf(profileDir) === source.key) writeCachedValidator(source.cacheDir, source.key, stored);
    // The validator runs the module's code whether it was compiled here or read: a hit and a miss behave alike.
    useModule(stored, join(source.cacheDir, `${source.key}.js`), true);
  }

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
    loadedFromCache: () => source.kind === 'cache',
  };
}

