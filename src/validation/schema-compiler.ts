/**
 * ajv with the FHIR keywords and the schemas of a profile folder: compiles the validation
 * function of each resource profile and of base resource types, and can write everything it
 * compiled as one standalone module (ajv's standaloneCode) for the cache (compiled-cache.ts).
 */
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type standalone from 'ajv/dist/standalone/index.js';
import { isResourceType } from '../fhir/model/index.js';
import { profileTree } from './element-rules.js';
import { addFhirKeywords } from './keywords.js';
import type { ProfileStore } from './profile-store.js';
import { addPropertiesKeyword } from './properties-keyword.js';
import { RuntimeValues, type Factories } from './runtime-values.js';
import { baseRef, SchemaBuilder } from './schema-builder.js';
import { addSliceRouteKeyword } from './slice-route-keyword.js';
import type { Terminology } from './terminology.js';
import { testOnlyRegExp } from './test-only-regexp.js';

type Node = Record<string, unknown>;

// ajv itself is loaded only to compile: a validator loaded from the cache (compiled-cache.ts) runs without it.
const load = createRequire(import.meta.url);

/** ajv's messages, passed on, except its notice that jsPropertySyntax is deprecated (the option is used on purpose). */
const AJV_LOGGER = {
  log: (...args: unknown[]): void => console.log(...args),
  warn: (...args: unknown[]): void => {
    if (!String(args[0]).includes('option jsPropertySyntax')) console.warn(...args);
  },
  error: (...args: unknown[]): void => console.error(...args),
};

export interface ProfileSchema {
  url: string;
  resourceType: string;
  /** The schema's id in ajv, which is also its name in the standalone module. */
  id: string;
}

/** The schema id of base STU3 for one resource type. */
export const baseId = (type: string): string => `urn:ndop-assure:base:${type}`;

export class SchemaCompiler {
  /** Number of ajv compilations (one per profile and per base resource type). */
  compilations = 0;
  /** The resource profiles, in the order of their files. */
  readonly profiles: ProfileSchema[] = [];
  private readonly ajv: Ajv;
  private readonly runtime: RuntimeValues;
  private readonly compiledIds: string[] = [];
  /** Resource profile documents, compiled when asked for. */
  private readonly profileDocuments = new Map<string, object>();

  /** With `forModule`, ajv keeps each function's source so that moduleCode() can write it. */
  constructor(store: ProfileStore, terminology: Terminology, factories: Factories, forModule: boolean) {
    this.runtime = new RuntimeValues(factories);
    // jsPropertySyntax: instancePaths such as `.extension[0].valueCodeableConcept`, which are nearly
    // FHIRPath already (issues.ts). ajv deprecates the option, so its one warning about it is dropped.
    this.ajv = new (load('ajv') as typeof import('ajv')).Ajv({
      allErrors: true,
      verbose: true,
      strict: false,
      unicodeRegExp: false,
      jsPropertySyntax: true,
      logger: AJV_LOGGER,
      code: { regExp: testOnlyRegExp, source: forModule },
    });
    addPropertiesKeyword(this.ajv, this.runtime);
    addSliceRouteKeyword(this.ajv);
    addFhirKeywords(this.ajv, this.runtime);

    const extensionIds = new Map<string, string>();
    const builder = new SchemaBuilder(terminology, (url) => extensionIds.get(url));
    this.ajv.addSchema(builder.baseDocument());
    const definitions = store.structureDefinitions.map(({ file, resource }) => {
      const snapshot = (resource.snapshot as Node | undefined)?.element;
      if (typeof resource.url !== 'string' || !Array.isArray(snapshot)) throw new Error(`${file}: a StructureDefinition needs a url and a snapshot`);
      return { file, url: resource.url, type: String(resource.type), tree: profileTree(snapshot as Node[], file) };
    });
    // Extension profiles first: resource profiles refer to them by url.
    for (const d of definitions.filter((d) => d.type === 'Extension')) extensionIds.set(d.url, d.url);
    for (const d of definitions.filter((d) => d.type === 'Extension')) this.ajv.addSchema(builder.profileDocument(d.url, d.tree, undefined));
    for (const d of definitions.filter((d) => d.type !== 'Extension')) {
      if (!isResourceType(d.type)) throw new Error(`${d.file}: profiles of ${d.type} are not supported (only resources and extensions)`);
      this.profileDocuments.set(d.url, builder.profileDocument(d.url, d.tree, d.type));
      this.profiles.push({ url: d.url, resourceType: d.type, id: d.url });
    }
  }

  compileProfile(profile: ProfileSchema): ValidateFunction {
    const schema = this.profileDocuments.get(profile.id);
    if (!schema) throw new Error(`no profile ${profile.id}`);
    return this.compile(profile.id, schema);
  }

  /** Base STU3 for one resource type. */
  compileBase(type: string): ValidateFunction {
    const id = baseId(type);
    return this.compile(id, { $id: id, ...baseRef(type) });
  }

  /**
   * Everything compiled so far as the body of `function (require, runtime, exports)`: it sets
   * `exports[name]` to each validation function, named as moduleNames() says. Needs `forModule`.
   */
  moduleCode(): { code: string; runtime: RuntimeValues['entries']; names: Record<string, string> } {
    const names = this.moduleNames();
    const refs = Object.fromEntries(Object.entries(names).map(([id, name]) => [name, id]));
    return { code: (load('ajv/dist/standalone/index.js') as typeof standalone).default(this.ajv, refs), runtime: this.runtime.entries, names };
  }

  /** The module's export name of each schema id compiled so far. */
  private moduleNames(): Record<string, string> {
    return Object.fromEntries(this.compiledIds.map((id, i) => [id, `v${i}`]));
  }

  /** Compiles a schema with an `$id` (each id once: the validator keeps what it compiled). */
  private compile(id: string, schema: object): ValidateFunction {
    this.compilations++;
    this.compiledIds.push(id);
    return this.ajv.compile(schema);
  }
}
