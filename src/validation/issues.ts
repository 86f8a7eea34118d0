/**
 * Maps ajv errors to ValidationIssues: a FHIRPath location from the instancePath, a rule from
 * the keyword, and a sentence saying what was expected and what was found.
 */
import type { ErrorObject } from 'ajv';
import type { CheckResult, IssueParams } from './keywords.js';
import type { ChoiceGroup } from './schema-builder.js';
import type { ValidationIssue } from './types.js';

type SchemaObject = Record<string, unknown>;

/** '/extension/0/valueCodeableConcept' on a Consent -> 'Consent.extension[0].valueCodeableConcept'. */
export function toFhirPath(root: string, instancePath: string): string {
  let out = root;
  if (!instancePath) return out;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += `.${segment.startsWith('_') ? segment.slice(1) : segment}`;
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

function mapOne(root: string, e: ErrorObject): ValidationIssue | undefined {
  const at = (path: string): string => toFhirPath(root, path);
  const custom = (e.params as { issue?: IssueParams }).issue;
  if (custom) return { severity: custom.severity, location: at(e.instancePath), rule: custom.rule, message: custom.message };
  const parent = e.parentSchema as SchemaObject | undefined;
  const location = at(e.instancePath);
  const error = (rule: string, message: string): ValidationIssue => ({ severity: 'error', location, rule, message });
  switch (e.keyword) {
    case 'required': {
      const name = (e.params as { missingProperty: string }).missingProperty;
      const child = (parent?.properties as SchemaObject | undefined)?.[name];
      const where = at(`${e.instancePath}/${name}`);
      if (name === 'resourceType') return { severity: 'error', location: where, rule: 'type', message: 'A resource needs a resourceType, but it is missing.' };
      const slice = (annotation(child, 'fhirElement') as { requiredBy?: { name: string; url?: string; card: string } } | undefined)?.requiredBy;
      if (slice) return { severity: 'error', location: where, rule: 'slice', message: `Slice ${slice.name} of ${where} (url ${slice.url ?? '?'}) needs cardinality ${slice.card} but ${where} is missing.` };
      return { severity: 'error', location: where, rule: 'cardinality', message: `${where} is required (cardinality ${elementCard(child) ?? '1..'}) but is missing.` };
    }
    case 'additionalProperties': {
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      const where = at(`${e.instancePath}/${name}`);
      const bare = name.replace(/^_/, '');
      const choice = ((parent?.fhirChoice as ChoiceGroup[] | undefined) ?? []).find((g) => bare.startsWith(g.stem) && /^[A-Z]/.test(bare.slice(g.stem.length)));
      const context = String(parent?.fhirContext ?? 'this element');
      const message = choice
        ? `${bare} is not an allowed type for ${choice.stem}[x] here; expected one of ${choice.names.join(', ') || '(none)'}.`
        : `${bare} is not an element of ${context} in FHIR STU3 (unknown element).`;
      return { severity: 'error', location: where, rule: 'unknown-element', message };
    }
    case 'false schema':
      return error('cardinality', `${location} is prohibited here (cardinality 0..0) but is present.`);
    case 'minItems': {
      const limit = (e.params as { limit: number }).limit;
      const count = Array.isArray(e.data) ? e.data.length : 0;
      if (count === 0) return error('cardinality', `${location} is an empty array; FHIR JSON leaves out an element rather than writing [].`);
      return error('cardinality', `${location} needs at least ${limit} item(s) (cardinality ${elementCard(parent) ?? '?'}) but has ${count}.`);
    }
    case 'maxItems': {
      const limit = (e.params as { limit: number }).limit;
      const count = Array.isArray(e.data) ? e.data.length : 0;
      return error('cardinality', `${location} allows at most ${limit} item(s) (cardinality ${elementCard(parent) ?? '?'}) but has ${count}.`);
    }
    case 'type': {
      const fhirType = annotation(parent, 'fhirType') ?? annotation(parent, 'fhirContext') ?? 'element';
      const expected = (e.params as { type: string | string[] }).type;
      return error('type', `${location} must be a JSON ${Array.isArray(expected) ? expected.join(' or ') : expected} (FHIR ${String(fhirType)}) but is ${jsonKind(e.data)}.`);
    }
    case 'pattern':
      return error('format', `${show(e.data)} is not a valid FHIR ${String(annotation(parent, 'fhirType') ?? 'value')} (expected the pattern ${String((e.params as { pattern: string }).pattern)}).`);
    case 'const': {
      const expected = (e.params as { allowedValue: unknown }).allowedValue;
      if (annotation(parent, 'fhirRule') === 'type') return error('type', `Expected a ${show(expected)} resource but found resourceType ${show(e.data)}.`);
      return error('fixed-value', `${location} must have the fixed value ${show(expected)} but is ${show(e.data)}.`);
    }
    case 'contains': {
      const slice = annotation(parent, 'fhirSlice') as { name: string; url: string; card: string } | undefined;
      if (!slice) return error('slice', `${location}: ${e.message ?? 'contains failed'}.`);
      const count = Array.isArray(e.data) ? e.data.filter((x) => x && typeof x === 'object' && (x as SchemaObject).url === slice.url).length : 0;
      return error('slice', `Slice ${slice.name} of ${location} (url ${slice.url}) needs cardinality ${slice.card} but ${count} matching item(s) were found.`);
    }
    case 'if':
    case 'allOf':
    case 'anyOf':
    case 'dependentSchemas':
      return undefined; // wrappers: the errors of their subschemas say what failed
    default:
      return error(e.keyword, `${location}: ${e.message ?? 'failed'} (${e.keyword}).`);
  }
}

/** Custom keywords report ready issues (or a nested resource's errors) in params.result. */
function* expand(root: string, e: ErrorObject, prefix: string): Generator<ValidationIssue> {
  const instancePath = prefix + e.instancePath;
  const result = (e.params as { result?: CheckResult }).result;
  if (result === undefined) {
    const issue = mapOne(root, { ...e, instancePath });
    if (issue) yield issue;
  } else if ('nested' in result) {
    for (const inner of result.nested) yield* expand(root, inner, instancePath);
  } else {
    for (const r of result) yield { severity: r.severity, location: toFhirPath(root, instancePath + r.path), rule: r.rule, message: r.message };
  }
}

export function mapErrors(root: string, errors: ErrorObject[]): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of errors) for (const issue of expand(root, e, '')) {
    const key = `${issue.severity}|${issue.location}|${issue.rule}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
