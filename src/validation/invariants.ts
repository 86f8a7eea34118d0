/**
 * FHIRPath invariants. Each expression is compiled once with fhirpath and its STU3 model.
 * Evaluating fhirpath on every element is far too slow, so some invariants have a fast form:
 *  - an exact replacement (`holds`), proven equal to the expression by test/validation/fast-invariants.test.ts;
 *  - a guard (`mayFail`): when it says false the expression provably holds, so fhirpath is skipped;
 *    when it says true the original expression is evaluated.
 * A fast form is used only when the expression is exactly the one it was proven against.
 */
import fhirpath from 'fhirpath';
import stu3 from 'fhirpath/fhir-context/stu3';
import { childrenOf } from '../fhir/model/index.js';
import type { ConstraintDef } from '../fhir/model/index.js';

type Node = Record<string, unknown>;

export interface FastForm {
  expression: string;
  /** `resource` is %resource: the resource the validated node belongs to. */
  holds(node: Node, resource: unknown): boolean;
}

export interface Guard {
  expression: string;
  mayFail(node: Node): boolean;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** ele-1: an element has children other than its id (a primitive's value lives outside the `_x` object, see schema-builder). */
function hasContentBesidesId(node: Node): boolean {
  for (const key in node) if (key !== 'id' && present(node[key])) return true;
  return false;
}

/** value[x] as FHIRPath sees it: only the JSON names of the STU3 types (valueString, _valueString...), not look-alikes. */
const EXTENSION_VALUE_NAMES = new Set(
  childrenOf('Extension')
    .filter((c) => c.def.path === 'Extension.value[x]')
    .flatMap((c) => [c.name, `_${c.name}`]),
);

function hasExtensionValue(node: Node): boolean {
  for (const key in node) if (EXTENSION_VALUE_NAMES.has(key) && present(node[key])) return true;
  return false;
}

/** The contained resources of a resource node, as objects. */
function containedOf(node: Node): Node[] {
  const contained = node.contained;
  return Array.isArray(contained) ? (contained.filter((c) => c !== null && typeof c === 'object') as Node[]) : [];
}

/** Every `reference` string anywhere below `node` (FHIRPath `descendants().reference`); for-in rather than Object.entries, which allocates a pair per property. */
function collectReferences(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) collectReferences(item, into);
  } else if (node !== null && typeof node === 'object') {
    for (const key in node) {
      const value = (node as Node)[key];
      if (key === 'reference' && typeof value === 'string') into.add(value);
      collectReferences(value, into);
    }
  }
  return into;
}

/** dom-3: each contained resource with an id is referred to as '#id' from somewhere in the resource. */
function containedAreReferenced(node: Node): boolean {
  if (!Array.isArray(node.contained)) return true;
  const contained = containedOf(node);
  if (contained.length === 0) return true;
  const references = new Set<string>();
  for (const key in node) if (key !== 'contained') collectReferences(node[key], references);
  // descendants() also reaches inside the contained resources themselves.
  for (const c of contained) collectReferences(c, references);
  return contained.every((c) => typeof c.id !== 'string' || references.has(`#${c.id}`));
}

/** ref-1: a '#id' reference names a resource contained in %resource. */
function localReferenceResolves(node: Node, resource: unknown): boolean {
  const reference = node.reference;
  if (typeof reference !== 'string' || !reference.startsWith('#')) return true;
  const root = resource !== null && typeof resource === 'object' ? (resource as Node) : {};
  return containedOf(root).some((c) => c.id === reference.slice(1));
}

/** dom-1, dom-2, dom-4: no contained resource passes `test` (without building a list when there is none). */
const noContainedHas = (test: (c: Node) => boolean) => (node: Node): boolean => {
  const contained = node.contained;
  if (!Array.isArray(contained)) return true;
  for (const c of contained) if (c !== null && typeof c === 'object' && test(c as Node)) return false;
  return true;
};
const metaOf = (c: Node): Node => (c.meta !== null && typeof c.meta === 'object' ? (c.meta as Node) : {});

export const FAST_FORMS: Record<string, FastForm> = {
  'ele-1': { expression: 'hasValue() | (children().count() > id.count())', holds: hasContentBesidesId },
  'ext-1': { expression: 'extension.exists() != value.exists()', holds: (n) => present(n.extension) !== hasExtensionValue(n) },
  'ppc-1': { expression: 'policy.exists() or policyRule.exists()', holds: (n) => present(n.policy) || present(n.policyRule) },
  // FHIRPath counts a name written only as `_name` (its extensions or id) too.
  'org-1': { expression: '(identifier.count() + name.count()) > 0', holds: (n) => present(n.identifier) || present(n.name) || present(n._name) },
  'dom-1': { expression: 'contained.text.empty()', holds: noContainedHas((c) => present(c.text)) },
  'dom-2': { expression: 'contained.contained.empty()', holds: noContainedHas((c) => present(c.contained)) },
  'dom-3': { expression: "contained.where(('#'+id in %resource.descendants().reference).not()).empty()", holds: containedAreReferenced },
  'dom-4': {
    expression: 'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()',
    holds: noContainedHas((c) => present(metaOf(c).versionId) || present(metaOf(c).lastUpdated)),
  },
  'ref-1': {
    expression: "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %resource.contained.id.trace('ids'))",
    holds: localReferenceResolves,
  },
};

export const GUARDS: Record<string, Guard> = {
  'per-1': { expression: 'start.empty() or end.empty() or (start <= end)', mayFail: (n) => present(n.start) && present(n.end) },
};

export function fastFormFor(c: ConstraintDef): FastForm | undefined {
  const f = FAST_FORMS[c.key];
  return f && f.expression === c.expression ? f : undefined;
}

export function guardFor(c: ConstraintDef): Guard | undefined {
  const g = GUARDS[c.key];
  return g && g.expression === c.expression ? g : undefined;
}

/**
 * An invariant holds unless its result is non-empty and holds no `true`. The union in ele-1
 * (`hasValue() | ...`) yields [false, true] for a valid element, and an empty result means the
 * expression had nothing to test (e.g. ref-1 on a Reference with only a display).
 */
export function resultHolds(result: unknown[]): boolean {
  return result.length === 0 || result.some((v) => v === true);
}

export type CompiledInvariant = (node: unknown, resource: unknown) => unknown[];

const noTrace = (): void => undefined;

/** Compiles each distinct (base type, expression) once; counts compilations for tests. */
export class InvariantCompiler {
  private readonly cache = new Map<string, CompiledInvariant>();
  compilations = 0;

  compile(base: string, expression: string): CompiledInvariant {
    const key = `${base}\u0000${expression}`;
    let fn = this.cache.get(key);
    if (!fn) {
      this.compilations++;
      const compiled = fhirpath.compile({ base, expression }, stu3, { traceFn: noTrace });
      fn = (node, resource) => compiled(node as object, { resource, rootResource: resource }) as unknown[];
      this.cache.set(key, fn);
    }
    return fn;
  }
}
