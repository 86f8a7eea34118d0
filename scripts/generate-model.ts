/**
 * Generates src/fhir/model/stu3-model.json from HL7's official STU3 definitions, shipped by the
 * fhir@3.3.1 npm package (installed under the alias `fhir-stu3`). Run: npm run generate.
 * test/fhir/model.test.ts fails when the committed file differs from what this script writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  BindingDef,
  ConstraintDef,
  ElementDef,
  PrimitiveDef,
  Stu3Model,
  TypeDef,
  TypeRef,
  ValueSetExpansion,
} from '../src/fhir/model/types.js';

const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-regex';
const JSON_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-json-type';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw HL7 definition JSON */
type Raw = any;

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('fhir-stu3/package.json'));
const definitionsDir = join(packageDir, 'profiles', 'stu3');
const packageVersion: string = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
const outputFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'fhir', 'model', 'stu3-model.json');

function readBundle(name: string): Raw[] {
  const bundle = JSON.parse(readFileSync(join(definitionsDir, name), 'utf8'));
  return bundle.entry.map((e: Raw) => e.resource);
}

function extensionValue(holder: Raw, url: string): string | undefined {
  return holder?.extension?.find((e: Raw) => e.url === url)?.valueString;
}

function typeRefs(element: Raw): TypeRef[] {
  return (element.type ?? [])
    .filter((t: Raw) => typeof t.code === 'string')
    .map((t: Raw) => {
      const ref: TypeRef = { code: t.code };
      if (t.targetProfile) ref.targetProfile = t.targetProfile;
      if (t.profile) ref.profile = t.profile;
      return ref;
    });
}

function binding(element: Raw): BindingDef | undefined {
  const b = element.binding;
  if (!b) return undefined;
  const valueSet = b.valueSetReference?.reference ?? b.valueSetUri;
  return valueSet ? { strength: b.strength, valueSet } : { strength: b.strength };
}

function constraints(element: Raw): ConstraintDef[] | undefined {
  const list = (element.constraint ?? [])
    .filter((c: Raw) => typeof c.expression === 'string')
    .map((c: Raw) => ({ key: c.key, severity: c.severity, human: c.human, expression: c.expression }));
  return list.length > 0 ? list : undefined;
}

function elementDef(element: Raw): ElementDef {
  const def: ElementDef = { path: element.path, min: element.min ?? 0, max: element.max ?? '*', types: typeRefs(element) };
  if (element.contentReference) def.contentReference = element.contentReference.replace(/^#/, '');
  const b = binding(element);
  if (b) def.binding = b;
  const c = constraints(element);
  if (c) def.constraints = c;
  if (element.representation?.includes('xmlAttr')) def.xmlAttr = true;
  return def;
}

function primitiveDef(sd: Raw): PrimitiveDef {
  const valueElement = sd.snapshot.element.find((e: Raw) => e.path === `${sd.id}.value`);
  const type = valueElement?.type?.[0];
  const json = extensionValue(type?._code, JSON_TYPE_EXT) ?? 'string';
  const def: PrimitiveDef = { json: json as PrimitiveDef['json'] };
  const regex = extensionValue(type, REGEX_EXT);
  if (regex) def.regex = regex;
  if (['integer', 'positiveInt', 'unsignedInt'].includes(sd.id)) def.integer = true;
  return def;
}

function typeDef(sd: Raw): TypeDef {
  const def: TypeDef = {
    name: sd.id,
    kind: sd.kind,
    abstract: Boolean(sd.abstract),
    elements: sd.snapshot.element.map(elementDef),
  };
  if (sd.baseDefinition) def.base = sd.baseDefinition.split('/').pop();
  return def;
}

/** Collects every code of a CodeSystem, nested concepts included. */
function allCodes(concepts: Raw[] | undefined, into: string[] = []): string[] {
  for (const c of concepts ?? []) {
    into.push(c.code);
    allCodes(c.concept, into);
  }
  return into;
}

function expandValueSets(requiredUrls: Set<string>, terminology: Raw[]): Record<string, ValueSetExpansion> {
  const codeSystems = new Map<string, Raw>();
  const valueSets = new Map<string, Raw>();
  for (const r of terminology) {
    if (r.resourceType === 'CodeSystem') codeSystems.set(r.url, r);
    if (r.resourceType === 'ValueSet') valueSets.set(r.url, r);
  }

  const expand = (url: string, seen: Set<string>): ValueSetExpansion | undefined => {
    const vs = valueSets.get(url);
    if (!vs || seen.has(url)) return undefined;
    seen.add(url);
    const codes: Record<string, string[]> = {};
    const add = (system: string, list: string[]) => {
      codes[system] = [...new Set([...(codes[system] ?? []), ...list])];
    };
    // STU3 value sets may carry their own code system inline (ValueSet.codeSystem was R2; in STU3 it is separate).
    for (const include of vs.compose?.include ?? []) {
      if (include.filter?.length) return undefined; // filters need a terminology server: not expandable here
      for (const nested of include.valueSet ?? []) {
        const inner = expand(nested, seen);
        if (!inner) return undefined;
        for (const [system, list] of Object.entries(inner.codes)) add(system, list);
      }
      if (!include.system) continue;
      if (include.concept?.length) add(include.system, include.concept.map((c: Raw) => c.code));
      else {
        const cs = codeSystems.get(include.system);
        if (!cs || cs.content === 'not-present') return undefined;
        add(include.system, allCodes(cs.concept));
      }
    }
    if (vs.compose?.exclude?.length) return undefined;
    return Object.keys(codes).length > 0 ? { codes } : undefined;
  };

  const result: Record<string, ValueSetExpansion> = {};
  for (const url of [...requiredUrls].sort()) {
    const expansion = expand(url, new Set());
    if (expansion) result[url] = expansion;
  }
  return result;
}

function generate(): Stu3Model {
  const structureDefinitions = [...readBundle('profiles-types.json'), ...readBundle('profiles-resources.json')].filter(
    (r) => r.resourceType === 'StructureDefinition' && r.derivation !== 'constraint' && r.kind !== 'logical',
  );
  const primitives: Record<string, PrimitiveDef> = {};
  const types: Record<string, TypeDef> = {};
  for (const sd of structureDefinitions) {
    if (sd.kind === 'primitive-type') primitives[sd.id] = primitiveDef(sd);
    types[sd.id] = typeDef(sd);
  }
  const required = new Set<string>();
  for (const t of Object.values(types)) {
    for (const e of t.elements) if (e.binding?.strength === 'required' && e.binding.valueSet) required.add(e.binding.valueSet);
  }
  const terminology = [...readBundle('valuesets.json'), ...readBundle('v3-codesystems.json')];
  return {
    generatedFrom: `fhir@${packageVersion} profiles/stu3/{profiles-types,profiles-resources,valuesets,v3-codesystems}.json by scripts/generate-model.ts`,
    fhirVersion: '3.0.1',
    primitives,
    types,
    valueSets: expandValueSets(required, terminology),
  };
}

export function renderModel(): string {
  return `${JSON.stringify(generate())}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderModel();
  writeFileSync(outputFile, text);
  console.log(`wrote ${outputFile} (${(text.length / 1024).toFixed(0)} KiB)`);
}
