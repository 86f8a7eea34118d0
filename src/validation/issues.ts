/**
 * Maps ajv errors to ValidationIssues: a FHIRPath location from the instancePath, a rule from
 * the keyword, and a sentence saying what was expected and what was found.
 */
import type { ErrorObject } from 'ajv';
import type { CheckResult } from './keywords.js';
import type { ChoiceGroup } from './schema-builder.js';
import type { ValidationIssue } from './types.js';

type SchemaObject = Record<string, unknown>;

/**
 * 'Consent' + '.extension[0].valueCodeableConcept' -> 'Consent.extension[0].valueCodeableConcept'.
 * ajv writes instancePaths in JavaScript property syntax (validator.ts sets jsPropertySyntax), which
 * is FHIRPath already for FHIR element names, except that a primitive's extension lives under
 * `_name` where FHIRPath says `name`. Concatenating costs far less than converting a JSON pointer,
 * whose memo needed a freshly built string hashed for every issue.
 */
export function fhirLocation(root: string, jsPath: string): string {
  // '_' alone is searched first: one rare character is found faster than '._' among many dots.
  return jsPath.indexOf('_') < 0 ? root + jsPath : root + jsPath.replaceAll('._', '.');
}

/**
 * A property name as the tail of a location. The name is the raw key (an unknown or missing
 * property), read as JSON pointer segments the way locations always have been: '/' splits it,
 * '~1' and '~0' are unescaped, a leading digit makes an index and a leading '_' is dropped.
 */
function nameTail(name: string): string {
  let out = '';
  let start = 0;
  const length = name.length;
  while (start < length) {
    let end = name.indexOf('/', start);
    if (end < 0) end = length;
    let segment = name.slice(start, end);
    if (segment.includes('~')) segment = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    const code = segment.charCodeAt(0);
    if (code >= 48 && code <= 57) out += `[${segment}]`;
    else out += `.${code === 95 ? segment.slice(1) : segment}`;
    start = end + 1;
  }
  return out;
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${show(v)}`;
}

function annotation(schema: unknown, key: string): unknown {
  return schema && typeof schema === 'object' ? (schema as SchemaObject)[key] : undefined;
}

function elementCard(schema: unknown): string | undefined {
  return (annotation(schema, 'fhirElement') as { card?: string } | undefined)?.card;
}

function fail(location: string, rule: string, message: string): ValidationIssue {
  return { severity: 'error', location, rule, message };
}

function mapOne(root: string, e: ErrorObject): ValidationIssue | undefined {
  const parent = e.parentSchema as SchemaObject | undefined;
  // Each case converts the location itself: wrapper keywords (if, allOf, ...) yield no issue and need none.
  switch (e.keyword) {
    case 'required': {
      const name = (e.params as { missingProperty: string }).missingProperty;
      const child = ((parent?.fhirProperties ?? parent?.properties) as SchemaObject | undefined)?.[name];
      const where = fhirLocation(root, e.instancePath) + nameTail(name);
      if (name === 'resourceType') return { severity: 'error', location: where, rule: 'type', message: 'A resource needs a resourceType, but it is missing.' };
      const slice = (annotation(child, 'fhirElement') as { requiredBy?: { name: string; url?: string; card: string } } | undefined)?.requiredBy;
      if (slice) return { severity: 'error', location: where, rule: 'slice', message: `Slice ${slice.name} of ${where} (url ${slice.url ?? '?'}) needs cardinality ${slice.card} but ${where} is missing.` };
      return { severity: 'error', location: where, rule: 'cardinality', message: `${where} is required (cardinality ${elementCard(child) ?? '1..'}) but is missing.` };
    }
    case 'additionalProperties': {
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      const where = fhirLocation(root, e.instancePath) + nameTail(name);
      const bare = name.replace(/^_/, '');
      const choice = ((parent?.fhir as { choices?: ChoiceGroup[] } | undefined)?.choices ?? []).find((g) => bare.startsWith(g.stem) && /^[A-Z]/.test(bare.slice(g.stem.length)));
      const context = String(parent?.fhirContext ?? 'this element');
      const message = choice
        ? `${bare} is not an allowed type for ${choice.stem}[x] here; expected one of ${choice.names.join(', ') || '(none)'}.`
        : `${bare} is not an element of ${context} in FHIR STU3 (unknown element).`;
      return { severity: 'error', location: where, rule: 'unknown-element', message };
    }
    case 'false schema': {
      const location = fhirLocation(root, e.instancePath);
      return fail(location, 'cardinality', `${location} is prohibited here (cardinality 0..0) but is present.`);
    }
    case 'minItems': {
      const location = fhirLocation(root, e.instancePath);
      const limit = (e.params as { limit: number }).limit;
      const count = Array.isArray(e.data) ? e.data.length : 0;
      if (count === 0) return fail(location, 'cardinality', `${location} is an empty array; FHIR JSON leaves out an element rather than writing [].`);
      return fail(location, 'cardinality', `${location} needs at least ${limit} item(s) (cardinality ${elementCard(parent) ?? '?'}) but has ${count}.`);
    }
    case 'maxItems': {
      const location = fhirLocation(root, e.instancePath);
      const limit = (e.params as { limit: number }).limit;
      const count = Array.isArray(e.data) ? e.data.length : 0;
      return fail(location, 'cardinality', `${location} allows at most ${limit} item(s) (cardinality ${elementCard(parent) ?? '?'}) but has ${count}.`);
    }
    case 'type': {
      const location = fhirLocation(root, e.instancePath);
      const fhirType = annotation(parent, 'fhirType') ?? annotation(parent, 'fhirContext') ?? 'element';
      const expected = (e.params as { type: string | string[] }).type;
      return fail(location, 'type', `${location} must be a JSON ${Array.isArray(expected) ? expected.join(' or ') : expected} (FHIR ${String(fhirType)}) but is ${jsonKind(e.data)}.`);
    }
    case 'pattern':
      return fail(fhirLocation(root, e.instancePath), 'format', `${show(e.data)} is not a valid FHIR ${String(annotation(parent, 'fhirType') ?? 'value')} (expected the pattern ${String((e.params as { pattern: string }).pattern)}).`);
    case 'const': {
      const location = fhirLocation(root, e.instancePath);
      const expected = (e.params as { allowedValue: unknown }).allowedValue;
      if (annotation(parent, 'fhirRule') === 'type') return fail(location, 'type', `Expected a ${show(expected)} resource but found resourceType ${show(e.data)}.`);
      return fail(location, 'fixed-value', `${location} must have the fixed value ${show(expected)} but is ${show(e.data)}.`);
    }
    case 'if':
    case 'allOf':
    case 'anyOf':
    case 'dependentSchemas':
      return undefined; // wrappers: the errors of their subschemas say what failed
    default: {
      const location = fhirLocation(root, e.instancePath);
      return fail(location, e.keyword, `${location}: ${e.message ?? 'failed'} (${e.keyword}).`);
    }
  }
}

/** Custom keywords report ready issues (or a nested resource's errors) in params.result. */
function expand(root: string, e: ErrorObject, prefix: string, into: ValidationIssue[]): void {
  const instancePath = prefix + e.instancePath;
  const result = (e.params as { result?: CheckResult }).result;
  if (result === undefined) {
    const issue = mapOne(root, prefix ? { ...e, instancePath } : e);
    if (issue) into.push(issue);
  } else if ('nested' in result) {
    for (const inner of result.nested) expand(root, inner, instancePath, into);
  } else {
    for (const r of result) into.push({ severity: r.severity, location: fhirLocation(root, r.path === '' ? instancePath : instancePath + r.path), rule: r.rule, message: r.message });
  }
}

/** `dedupe` when several schemas checked the same resource: the same fact can then be reported twice. */
export function mapErrors(root: string, errors: ErrorObject[], dedupe: boolean): ValidationIssue[] {
  const all: ValidationIssue[] = [];
  for (const e of errors) expand(root, e, '', all);
  if (!dedupe) return all;
  const seen = new Set<string>();
  return all.filter((i) => {
    const key = `${i.severity}|${i.location}|${i.rule}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
