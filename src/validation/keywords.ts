/**
 * Custom ajv keywords for what plain JSON Schema cannot express: value set bindings, reference
 * target types, choice types, FHIRPath invariants and nested resources; plus the annotation
 * keywords (fhir*) the issue mapper reads. Each keyword reports a ready-made issue in its
 * error's params so that the mapper needs no knowledge of the rule.
 */
// ajv's code generation alone: a validator loaded from the cache runs without the rest of ajv.
import { _, Name } from 'ajv/dist/compile/codegen/index.js';
import type { Ajv } from 'ajv';
import type { ErrorObject, KeywordCxt } from 'ajv';

import { isResourceType, model } from '../fhir/model/index.js';
import { FAST_FORMS, fastFormFor, guardFor, resultHolds, type CompiledInvariant, type InvariantCompiler } from './invariants.js';
import type { BindingSpec, ChoiceGroup, FhirChecks, InvariantSpec, SliceSpec } from './schema-builder.js';
import type { Terminology, ValueSetContent } from './terminology.js';
import type { Factories, RuntimeValues } from './runtime-values.js';
import type { Severity } from './types.js';

type Node = Record<string, unknown>;

export interface IssueParams {
  severity: Severity;
  rule: string;
  message: string;
}

/** An issue found by a custom keyword, `path` being relative to the checked value in ajv's instancePath syntax (`.coding[0].display`). */
export interface IssueAt extends IssueParams {
  path: string;
}

/** What a custom keyword reports: its own issues, or the errors of a nested resource. */
export type CheckResult = IssueAt[] | { nested: ErrorObject[] };

/** Runs at validation time; returns undefined when the value passes (no allocation on success). */
type Check = (data: unknown, root: unknown) => CheckResult | undefined;

/** Validates a nested resource; returns its errors with instancePaths relative to the nested resource. */
export type NestedValidator = (resource: Node) => ErrorObject[];

export interface KeywordContext {
  terminology: Terminology;
  invariants: InvariantCompiler;
  nested: NestedValidator;
}


const quote = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

const codeLists = new WeakMap<object, string>();

/** The codes a message lists (the first 12), made once per code collection: messages repeat, the collections do not change. */
function listCodes(codes: Map<string, unknown> | Set<string>): string {
  let list = codeLists.get(codes);
  if (list === undefined) {
    const all = [...codes.keys()];
    list = all.length > 12 ? `${all.slice(0, 12).join(', ')}, ...` : all.join(', ');
    codeLists.set(codes, list);
  }
  return list;
}


const CODING_PATHS = Array.from({ length: 8 }, (_unused, i) => `.coding[${i}]`);
const codingPath = (path: string, i: number): string => (path === '' && i < CODING_PATHS.length ? CODING_PATHS[i]! : `${path}.coding[${i}]`);

function bindingChecker(spec: BindingSpec, content: ValueSetContent, terminology: Terminology): Check {
  const severity: Severity = spec.strength === 'required' ? 'error' : 'warning';
  const strength = `${spec.strength} binding to ${spec.valueSet}`;
  const systemList = content.kind === 'expansion' ? [...content.codes.keys()].join(', ') : '';
  // The fixed parts of the messages, made once per binding (quotes are written out where the value is known to be a string).
  const systemHead = content.kind === 'system' ? `The ${strength} expects codes from system ${content.system}, but the coding's system is ` : '';
  const codingHead = `The ${strength} expects a coding from system ${systemList}, but found system `;
  const notInValueSet = ` is not in value set ${spec.valueSet} (${spec.strength} binding); expected one of `;
  // Set by finding(): whether the last Coding looked at is a code of the value set.
  let fits = false;
  /** The finding for one Coding (at most one), if any; sets `fits`. */
  function finding(c: Node, path: string): IssueAt | undefined {
    const system = c.system;
    const code = c.code;
    fits = false;
    if (content.kind === 'system') {
      if (system === content.system) {
        fits = true;
        return undefined;
      }
      return { path: `${path}.system`, severity, rule: 'binding', message: `${systemHead}${quote(system ?? 'missing')}.` };
    }
    if (typeof code !== 'string') return undefined;
    const inSystem = typeof system === 'string' ? content.codes.get(system) : undefined;
    if (!inSystem) {
      return { path: `${path}.system`, severity, rule: 'binding', message: `${codingHead}${quote(system ?? 'missing')} (code '${code}').` };
    }
    if (!inSystem.has(code)) {
      return { path: `${path}.code`, severity, rule: 'binding', message: `Code '${code}'${notInValueSet}${listCodes(inSystem)}.` };
    }
    fits = true;
    const expected = inSystem.get(code) ?? terminology.display(system as string, code);
    if (typeof c.display === 'string' && expected !== undefined && c.display !== expected) {
      return { path: `${path}.display`, severity: 'warning', rule: 'binding', message: `Display '${c.display}' does not match the display '${expected}' that ${system} gives code '${code}'.` };
    }
    return undefined;
  }

  const none = (issues: IssueAt[]): IssueAt[] | undefined => (issues.length ? issues : undefined);
  const allCodes = content.kind === 'expansion' ? new Set([...content.codes.values()].flatMap((m) => [...m.keys()])) : undefined;
  // Per system, each code's expected display (the value set's, else the code system's; null when
  // neither gives one): one lookup tells both whether the code is in the value set and its display.
  const displays = new Map<string, Map<string, string | null>>();
  if (content.kind === 'expansion') {
    for (const [system, codes] of content.codes) {
      displays.set(system, new Map([...codes].map(([code, display]) => [code, display ?? terminology.display(system, code) ?? null])));
    }
  }
  /** The common case, without allocation: a code of the value set, with the code system's display if any. */
  function codingPasses(c: unknown): boolean {
    if (c === null || typeof c !== 'object') return false;
    const { system, code, display } = c as Node;
    if (content.kind === 'system') return system === content.system;
    const codes = typeof system === 'string' ? displays.get(system) : undefined;
    if (codes === undefined || typeof code !== 'string') return false;
    const expected = codes.get(code);
    if (expected === undefined) return false;
    return display === undefined || expected === null || expected === display;
  }
  function allPass(codings: unknown): boolean {
    if (!Array.isArray(codings) || codings.length === 0) return false;
    for (const c of codings) if (!codingPasses(c)) return false;
    return true;
  }
  return (data: unknown): IssueAt[] | undefined => {
    const path = '';
    if (spec.type === 'Coding' ? codingPasses(data) : spec.type === 'CodeableConcept' && allPass((data as Node | null)?.coding)) return undefined;
    if (spec.type === 'Coding') {
      const issue = data && typeof data === 'object' ? finding(data as Node, path) : undefined;
      return issue && [issue];
    }
    if (spec.type === 'CodeableConcept') {
      const codings = (data as Node | null)?.coding;
      if (!Array.isArray(codings) || codings.length === 0) {
        if (spec.strength !== 'required') return undefined;
        return [{ path, severity, rule: 'binding', message: `The ${strength} needs a coding from the value set, but the CodeableConcept has none.` }];
      }
      // Findings of the codings that are in the value set (display warnings), else of all codings.
      const fitting: IssueAt[] = [];
      const unfit: IssueAt[] = [];
      let anyFits = false;
      for (let i = 0; i < codings.length; i++) {
        const c = codings[i];
        if (c === null || typeof c !== 'object') continue;
        const issue = finding(c as Node, codingPath(path, i));
        anyFits ||= fits;
        if (issue) (fits ? fitting : unfit).push(issue);
      }
      return none(anyFits ? fitting : unfit);
    }
    // code, string or uri: the code alone, from any system of the value set.
    if (typeof data !== 'string' || !allCodes || allCodes.has(data)) return undefined;
    return [{ path, severity, rule: 'binding', message: `Code '${data}'${notInValueSet}${listCodes(allCodes)}.` }];
  };
}

/** STU3 id ([A-Za-z0-9\-\.]{1,64}) between `start` and `end`, without building a substring. */
function isId(text: string, start: number, end: number): boolean {
  if (end <= start || end - start > 64) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}
const RESOURCE_TYPES = new Set(Object.keys(model.types).filter(isResourceType));

/** `[base/]Type/id[/_history/vid]` -> Type, when Type is an STU3 resource type (relative or absolute RESTful URL). */
function literalReferenceType(reference: string): string | undefined {
  let end = reference.length;
  let slash = reference.lastIndexOf('/', end - 1);
  if (slash > 0 && reference.endsWith('/_history', slash)) {
    end = slash - '/_history'.length;
    slash = reference.lastIndexOf('/', end - 1);
  }
  if (slash <= 0 || !isId(reference, slash + 1, end)) return undefined;
  const typeStart = reference.lastIndexOf('/', slash - 1) + 1;
  if (typeStart > 0 && !reference.startsWith('http://') && !reference.startsWith('https://')) return undefined;
  const type = reference.slice(typeStart, slash);
  return RESOURCE_TYPES.has(type) ? type : undefined;
}

const SLASH = 47;
const HISTORY = '/_history';
const HISTORY_LAST = HISTORY.charCodeAt(HISTORY.length - 1);

/** The last '/' before `end`, or -1. A charCodeAt loop, which V8 compiles inline, where lastIndexOf is a call into the runtime. */
function lastSlash(text: string, end: number): number {
  for (let i = end - 1; i >= 0; i--) if (text.charCodeAt(i) === SLASH) return i;
  return -1;
}

/** Whether text[start, start + t.length) is `t`, without building a substring. */
function segmentIs(text: string, start: number, t: string): boolean {
  for (let i = 0; i < t.length; i++) if (text.charCodeAt(start + i) !== t.charCodeAt(i)) return false;
  return true;
}

/**
 * Whether a literal reference's type segment (`.../Type/id[/_history/v]`) is one of `targets`,
 * without building substrings: each target is compared just before the id's '/' and must start
 * the reference or follow a '/' (targets are type names, which hold no '/').
 */
function pointsToOneOf(reference: string, targets: string[]): boolean {
  let slash = lastSlash(reference, reference.length);
  const history = slash >= HISTORY.length && reference.charCodeAt(slash - 1) === HISTORY_LAST && segmentIs(reference, slash - HISTORY.length, HISTORY);
  if (history) slash = lastSlash(reference, slash - HISTORY.length);
  if (slash <= 0) return false;
  for (const t of targets) {
    const start = slash - t.length;
    if (start >= 0 && (start === 0 || reference.charCodeAt(start - 1) === SLASH) && segmentIs(reference, start, t)) return true;
  }
  return false;
}

/** The resource type a reference points at, when it can be told from the reference alone or from contained. */
function referencedType(reference: string, root: Node | undefined): string | undefined {
  if (reference.startsWith('#')) {
    const contained = root?.contained;
    if (!Array.isArray(contained)) return undefined;
    const hit = contained.find((r) => r && typeof r === 'object' && (r as Node).id === reference.slice(1)) as Node | undefined;
    return typeof hit?.resourceType === 'string' ? hit.resourceType : undefined;
  }
  return literalReferenceType(reference);
}

/** One invariant as a check: its fast form, or fhirpath behind its guard, or fhirpath alone. */
function invariantCheck(spec: InvariantSpec, compiler: InvariantCompiler): (node: Node, root: unknown) => IssueAt | undefined {
  const failed: IssueAt = { path: '', severity: spec.severity, rule: `invariant:${spec.key}`, message: `${spec.human} (${spec.key}: ${spec.expression}) is not satisfied.` };
  const fast = fastFormFor(spec);
  if (fast) return (node, root) => (fast.holds(node, root) ? undefined : { ...failed });
  const guard = guardFor(spec);
  // Compiled when first needed: most are never evaluated in a run (their guard holds), and
  // compiling all of them took ~80 ms of every validator's start.
  let evaluate: CompiledInvariant | undefined;
  return (node, root) => {
    if (guard && !guard.mayFail(node)) return undefined;
    evaluate ??= compiler.compile(spec.base, spec.expression);
    try {
      return resultHolds(evaluate(node, root)) ? undefined : { ...failed };
    } catch (e) {
      return { path: '', severity: 'warning', rule: `invariant:${spec.key}`, message: `Invariant ${spec.key} (${spec.expression}) could not be evaluated: ${(e as Error).message}.` };
    }
  };
}

/** The name ajv's generated code gives the data validation started from (ajv's names.rootData). */
const ROOT_DATA = new Name('rootData');

/** `.name` (or `["name"]` for a name that is not an identifier) as generated code. */
const getProperty = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? _`.${new Name(name)}` : _`[${name}]`);

/**
 * A cheaper check for when the value has the child `witness` (present: not undefined, null or an
 * empty array); `check` undefined means nothing is left to check then.
 */
interface Shortcut {
  witness: string;
  check: Check | undefined;
}

/**
 * Registers a keyword whose check runs as one inline call in ajv's generated code: no context
 * object is built per call, and a passing value costs one function call returning undefined.
 * The check is made by the factory of the same name from the keyword's schema value, through
 * `runtime` so that the generated code can be cached. With `shortcut`, the generated code tests
 * the witness child first (a load specialised to each schema) and calls the shortcut's check, if
 * any, instead of the full one.
 */
function addCheck(ajv: Ajv, runtime: RuntimeValues, keyword: string, type: 'object' | undefined, shortcut = false): void {
  ajv.addKeyword({
    keyword,
    ...(type ? { type } : {}),
    error: { message: 'FHIR rule not met', params: ({ params }) => _`{result: ${params.result!}}` },
    code(cxt: KeywordCxt) {
      const check = runtime.make<Check>(keyword, cxt.schema);
      if (!check) return;
      const { gen, data } = cxt;
      const fn = gen.scopeValue('keyword', { ref: check.value, code: check.code });
      const full = _`${fn}(${data}, ${ROOT_DATA})`;
      const parent = cxt.parentSchema as Record<string, unknown>;
      const short = shortcut ? runtime.make<Shortcut>(SHORTCUT, { schema: cxt.schema, required: parent.required ?? parent.fhirRequired }) : undefined;
      let result;
      if (short) {
        const { witness, check: cheapCheck } = short.value;
        const child = _`${data}${getProperty(witness)}`;
        const present = _`${data} !== null && typeof ${data} === "object" && ${child} !== undefined && ${child} !== null && !(Array.isArray(${child}) && ${child}.length === 0)`;
        const cheap = cheapCheck ? _`${gen.scopeValue('keyword', { ref: cheapCheck, code: _`${short.code}.check` })}(${data}, ${ROOT_DATA})` : _`undefined`;
        result = gen.const('fhirResult', _`${present} ? ${cheap} : ${full}`);
      } else {
        result = gen.const('fhirResult', full);
      }
      cxt.setParams({ result });
      cxt.pass(_`${result} === undefined`);
    },
  });
}

/** The factory of the `fhir` keyword's shortcut (see withoutEle1). */
const SHORTCUT = 'fhir-shortcut';

export function addFhirKeywords(ajv: Ajv, runtime: RuntimeValues): void {
  // Annotations read by the issue mapper.
  ajv.addVocabulary(['fhirContext', 'fhirElement', 'fhirType', 'fhirRule']);
  addCheck(ajv, runtime, 'fhir', undefined, true);
  addCheck(ajv, runtime, 'fhirPrimitiveHasValue', 'object');
  addCheck(ajv, runtime, 'fhirResource', 'object');
  addCheck(ajv, runtime, 'fhirUnslicedExtension', 'object');
}

/**
 * The checks of the keywords added by addFhirKeywords, by keyword name (runtime-values.ts): each
 * builds a keyword's check from its schema value, bound to the validator's terminology, invariants
 * and nested validation.
 */
export function fhirCheckFactories(ctx: KeywordContext): Factories {
  const bindingCheck = (spec: BindingSpec): Check | undefined => {
    const content = ctx.terminology.resolve(spec.valueSet);
    return content ? bindingChecker(spec, content, ctx.terminology) : undefined;
  };

  const referenceCheck = (targets: string[]): Check => {
    const mustPointTo = `The reference must point to ${targets.join(' or ')}, but `;
    return (data, root) => {
      const reference = (data as Node).reference;
      if (typeof reference !== 'string' || pointsToOneOf(reference, targets)) return undefined;
      const type = referencedType(reference, root as Node | undefined);
      if (type === undefined || targets.includes(type)) return undefined;
      return [{ path: '.reference', severity: 'error', rule: 'reference-type', message: `${mustPointTo}'${reference}' points to ${type}.` }];
    };
  };

  // Counted in one pass here rather than with `contains`, which builds and drops an ajv error for
  // every extension that does not match a slice; each item's url is read once (items of many
  // shapes make that load slow), and the counts are then checked in slice order.
  const sliceCheck = (slices: SliceSpec[]): Check => {
    const urls = slices.map((s) => s.url);
    const maxima = slices.map((s) => (s.max === '*' ? Infinity : Number(s.max)));
    const counts = slices.map(() => 0);
    return (data) => {
      if (!Array.isArray(data)) return undefined;
      for (let s = 0; s < counts.length; s++) counts[s] = 0;
      for (const item of data) {
        if (item === null || typeof item !== 'object') continue;
        const url = (item as Node).url;
        for (let s = 0; s < urls.length; s++) if (url === urls[s]) counts[s]!++;
      }
      let issues: IssueAt[] | undefined;
      for (let s = 0; s < slices.length; s++) {
        const slice = slices[s]!;
        const count = counts[s]!;
        if (count >= slice.min && count <= maxima[s]!) continue;
        (issues ??= []).push({
          path: '',
          severity: 'error',
          rule: 'slice',
          message: `Slice ${slice.name} (url ${slice.url}) needs cardinality ${slice.min}..${slice.max} but ${count} matching item(s) were found.`,
        });
      }
      return issues;
    };
  };

  const choiceCheck = (groups: ChoiceGroup[]): Check => {
    const report = choiceIssues(groups);
    // Each JSON name of a choice (valueString, _valueString) -> its group; base Extension's value[x]
    // has 38 names, an extension has two or three keys, so the node's keys are what gets looked up.
    const groupOf = new Map<string, number>();
    const plainOf = new Map<string, string>();
    groups.forEach((g, i) => {
      for (const n of g.names) {
        groupOf.set(n, i);
        groupOf.set(`_${n}`, i);
        plainOf.set(`_${n}`, n);
      }
    });
    const counts = groups.map(() => 0);
    return (data, root) => {
      // Anything but a plain object takes the original path (and its behaviour on null).
      if (data === null || typeof data !== 'object' || Array.isArray(data)) return report(data, root);
      const node = data as Node;
      for (let i = 0; i < counts.length; i++) counts[i] = 0;
      for (const key in node) {
        const group = groupOf.get(key);
        if (group === undefined || node[key] === undefined) continue;
        // A name present both as value and as _value counts once.
        const plain = plainOf.get(key);
        if (plain !== undefined && node[plain] !== undefined) continue;
        counts[group]!++;
      }
      for (let i = 0; i < groups.length; i++) {
        const count = counts[i]!;
        if (count !== 1 && !(count === 0 && groups[i]!.min === 0)) return report(data, root);
      }
      return undefined;
    };
  };

  /** The issues of choice groups, in group and name order; the slow path, taken only when some group fails. */
  const choiceIssues = (groups: ChoiceGroup[]): Check => (data) => {
    const node = data as Node;
    let issues: IssueAt[] | undefined;
    for (const g of groups) {
      let count = 0;
      for (const n of g.names) if (node[n] !== undefined || node[`_${n}`] !== undefined) count++;
      if (count === 1 || (count === 0 && g.min === 0)) continue;
      const found = g.names.filter((n) => node[n] !== undefined || node[`_${n}`] !== undefined);
      (issues ??= []).push(
        found.length > 1
          ? { path: `.${found[1]}`, severity: 'error', rule: 'type', message: `${g.stem}[x] holds one value, but ${found.join(' and ')} are all present.` }
          : { path: `.${g.stem}[x]`, severity: 'error', rule: 'cardinality', message: `${g.stem}[x] is required (cardinality ${g.min}..${g.max}; allowed: ${g.names.join(', ')}) but is missing.` },
      );
    }
    return issues;
  };

  // Checks are shared between schemas with the same invariants: a fast form does not depend on
  // the element's type, so every element carrying only ele-1 calls one and the same function,
  // which V8 can then inline at each call site.
  const invariantChecks = new Map<string, Check>();
  const invariantsCheck = (specs: InvariantSpec[]): Check => {
    const signature = specs.map((c) => `${c.key}|${c.expression}|${fastFormFor(c) ? '' : c.base}`).join('\n');
    let check = invariantChecks.get(signature);
    if (!check) {
      check = buildInvariantsCheck(specs);
      invariantChecks.set(signature, check);
    }
    return check;
  };
  const buildInvariantsCheck = (specs: InvariantSpec[]): Check => {
    const checks = specs.map((spec) => invariantCheck(spec, ctx.invariants));
    // Most elements carry ele-1 alone: a direct call, no loop and no allocation when it holds.
    if (checks.length === 1) {
      const only = checks[0]!;
      return (data, root) => {
        const issue = only(data as Node, root);
        return issue && [issue];
      };
    }
    return (data, root) => {
      let issues: IssueAt[] | undefined;
      for (const check of checks) {
        const issue = check(data as Node, root);
        if (issue) (issues ??= []).push(issue);
      }
      return issues;
    };
  };

  // One keyword, one call site per schema for everything JSON Schema cannot say about a value:
  // fewer call sites keep ajv's generated functions small enough for V8 to inline them.
  const fhirCheck = (spec: FhirChecks): Check | undefined => {
    const parts = [
      spec.slices && sliceCheck(spec.slices),
      spec.binding && bindingCheck(spec.binding),
      spec.reference && referenceCheck(spec.reference),
      spec.choices && choiceCheck(spec.choices),
      spec.invariants && invariantsCheck(spec.invariants),
    ].filter((c): c is Check => c !== undefined);
    if (parts.length === 0) return undefined;
    if (parts.length === 1) return parts[0];
    return (data, root) => {
      let issues: IssueAt[] | undefined;
      for (const part of parts) {
        const r = part(data, root);
        if (r) (issues ??= []).push(...(r as IssueAt[]));
      }
      return issues;
    };
  };
  // ele-1 (a child other than id) holds whenever a required child other than id is present: the
  // generated code tests that child and then runs the other checks only, not ele-1's scan of keys.
  const withoutEle1 = ({ schema: spec, required }: { schema: FhirChecks; required?: string[] }): Shortcut | undefined => {
    const ele1 = spec.invariants?.find((c) => c.key === 'ele-1');
    if (!ele1 || fastFormFor(ele1) !== FAST_FORMS['ele-1']) return undefined;
    const witness = required?.find((name) => name !== 'id');
    if (witness === undefined) return undefined;
    const invariants = spec.invariants!.filter((c) => c !== ele1);
    const { invariants: _all, ...others } = spec;
    return { witness, check: fhirCheck({ ...others, ...(invariants.length ? { invariants } : {}) }) };
  };
  // ele-1 for a primitive written only as `_name`: it needs an extension (its id alone is not content).
  const ele1 = FAST_FORMS['ele-1']!;
  const primitiveHasValue = (name: string): Check => (data) => {
    const node = data as Node;
    const element = node[`_${name}`];
    if (node[name] !== undefined || (element !== null && typeof element === 'object' && ele1.holds(element as Node, undefined))) return undefined;
    return [{ path: `.${name}`, severity: 'error', rule: 'invariant:ele-1', message: `All FHIR elements must have a @value or children (ele-1): ${name} has neither a value nor an extension.` }];
  };

  const nestedResource = (): Check => (data) => {
    const nested = ctx.nested(data as Node);
    return nested.length ? { nested } : undefined;
  };

  const unslicedExtension = (urls: string[]): Check => {
    // The message's fixed part is made once per schema, not per extension checked.
    const tail = ` matches no slice of this element (slices: ${urls.join(', ')}); open slicing allows it, so it was checked against base Extension only.`;
    return (data) => [{ path: '', severity: 'information', rule: 'slice', message: `Extension ${quote((data as Node).url)}${tail}` }];
  };

  return {
    fhir: fhirCheck,
    [SHORTCUT]: withoutEle1,
    fhirPrimitiveHasValue: primitiveHasValue,
    fhirResource: nestedResource,
    fhirUnslicedExtension: unslicedExtension,
  };
}
