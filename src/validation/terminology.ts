/**
 * Value sets the validator can check codes against, without any terminology server: the
 * CodeSystems and ValueSets shipped in profiles/, and base STU3's required value sets
 * (model.valueSets). A value set it cannot expand is "unknown" and produces no issues.
 */
import { model } from '../fhir/model/index.js';

export type Json = Record<string, unknown>;

/** Codes by system; the display of each code where the code system gives one. */
export type Expansion = Map<string, Map<string, string | undefined>>;

export type ValueSetContent =
  /** Every code of the value set is known. */
  | { kind: 'expansion'; codes: Expansion }
  /** A code system URI used as a value set URI (NDOP purpose binds `http://snomed.info/sct`): only the system can be checked. */
  | { kind: 'system'; system: string };

function list(value: unknown): Json[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Json[];
}

function flattenConcepts(concepts: unknown, into: Map<string, string | undefined>): void {
  for (const c of list(concepts)) {
    if (typeof c.code === 'string') into.set(c.code, typeof c.display === 'string' ? c.display : undefined);
    flattenConcepts(c.concept, into);
  }
}

/** Code systems whose URI is commonly bound directly as a value set URI. */
const KNOWN_SYSTEM_URIS = new Set(['http://snomed.info/sct', 'http://loinc.org']);

export class Terminology {
  private readonly codeSystems = new Map<string, Map<string, string | undefined>>();
  private readonly valueSets = new Map<string, Json>();
  private readonly resolved = new Map<string, ValueSetContent | undefined>();

  addCodeSystem(resource: Json, where: string): void {
    if (typeof resource.url !== 'string') throw new Error(`${where}: CodeSystem without a url`);
    const codes = new Map<string, string | undefined>();
    flattenConcepts(resource.concept, codes);
    this.codeSystems.set(resource.url, codes);
  }

  addValueSet(resource: Json, where: string): void {
    if (typeof resource.url !== 'string') throw new Error(`${where}: ValueSet without a url`);
    this.valueSets.set(resource.url, resource);
  }

  /** The display the code system gives a code, when the system is one we hold. */
  display(system: string, code: string): string | undefined {
    return this.codeSystems.get(system)?.get(code);
  }

  resolve(url: string): ValueSetContent | undefined {
    if (!this.resolved.has(url)) this.resolved.set(url, this.expand(url));
    return this.resolved.get(url);
  }

  private expand(url: string): ValueSetContent | undefined {
    const shipped = this.valueSets.get(url);
    if (shipped) return this.expandShipped(shipped);
    const base = model.valueSets[url];
    if (base) {
      const codes: Expansion = new Map();
      for (const [system, list] of Object.entries(base.codes)) {
        codes.set(system, new Map(list.map((code) => [code, this.display(system, code)])));
      }
      return { kind: 'expansion', codes };
    }
    if (KNOWN_SYSTEM_URIS.has(url) || this.codeSystems.has(url)) {
      const codes = this.codeSystems.get(url);
      return codes ? { kind: 'expansion', codes: new Map([[url, codes]]) } : { kind: 'system', system: url };
    }
    return undefined;
  }

  /** compose.include of whole systems or of listed concepts; anything else (filters, imports) makes it unknown. */
  private expandShipped(valueSet: Json): ValueSetContent | undefined {
    const compose = valueSet.compose as Json | undefined;
    if (!compose || compose.exclude !== undefined) return undefined;
    const codes: Expansion = new Map();
    for (const include of list(compose.include)) {
      if (typeof include.system !== 'string' || include.filter !== undefined || include.valueSet !== undefined) return undefined;
      const system = include.system;
      const whole = this.codeSystems.get(system);
      const target = codes.get(system) ?? new Map<string, string | undefined>();
      if (include.concept !== undefined) {
        for (const c of list(include.concept)) {
          if (typeof c.code !== 'string') continue;
          target.set(c.code, typeof c.display === 'string' ? c.display : whole?.get(c.code));
        }
      } else if (whole) {
        for (const [code, display] of whole) target.set(code, display);
      } else {
        return undefined;
      }
      codes.set(system, target);
    }
    return { kind: 'expansion', codes };
  }
}
