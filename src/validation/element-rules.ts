/**
 * One shape for "what an element allows", whether it comes from the base STU3 model or from a
 * profile's snapshot, and the tree of a profile's snapshot elements (by path, with slices).
 */
import type { ConstraintDef, ElementDef, TypeRef } from '../fhir/model/index.js';

export interface FixedValue {
  /** 'fixed' requires exact equality; 'pattern' requires the given parts only. */
  kind: 'fixed' | 'pattern';
  /** The FHIR type suffix as written, e.g. Uri, String, CodeableConcept. */
  type: string;
  value: unknown;
}

export interface BindingRule {
  strength: 'required' | 'extensible' | 'preferred' | 'example';
  valueSet?: string;
}

export interface ElementRule {
  path: string;
  min: number;
  max: string;
  types: TypeRef[];
  binding?: BindingRule;
  fixed?: FixedValue;
  constraints: ConstraintDef[];
}

export interface ProfileNode {
  rule: ElementRule;
  /** Children by the last segment of their path (value[x], valueCodeableConcept, status...). */
  children: Map<string, ProfileNode>;
  /** Named slices of this element (extension slices). */
  slices: { name: string; node: ProfileNode }[];
}

export function ruleFromModel(def: ElementDef): ElementRule {
  return {
    path: def.path,
    min: def.min,
    max: def.max,
    types: def.types,
    ...(def.binding ? { binding: def.binding } : {}),
    constraints: def.constraints ?? [],
  };
}

type Json = Record<string, unknown>;

function asArray(value: unknown): Json[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Json[];
}

function bindingOf(element: Json): BindingRule | undefined {
  const b = element.binding as Json | undefined;
  if (!b) return undefined;
  const ref = (b.valueSetReference as Json | undefined)?.reference;
  const valueSet = typeof ref === 'string' ? ref : typeof b.valueSetUri === 'string' ? b.valueSetUri : undefined;
  return { strength: b.strength as BindingRule['strength'], ...(valueSet ? { valueSet } : {}) };
}

function fixedOf(element: Json): FixedValue | undefined {
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('fixed') && key.length > 5) return { kind: 'fixed', type: key.slice(5), value };
    if (key.startsWith('pattern') && key.length > 7) return { kind: 'pattern', type: key.slice(7), value };
  }
  return undefined;
}

/** Reads one snapshot element of a StructureDefinition (codec JSON) into an ElementRule. */
export function ruleFromSnapshot(element: Json, where: string): ElementRule {
  const path = element.path;
  if (typeof path !== 'string') throw new Error(`${where}: snapshot element without a path`);
  const types: TypeRef[] = asArray(element.type).map((t) => ({
    code: String(t.code),
    ...(typeof t.targetProfile === 'string' ? { targetProfile: t.targetProfile } : {}),
    ...(typeof t.profile === 'string' ? { profile: t.profile } : {}),
  }));
  const constraints: ConstraintDef[] = asArray(element.constraint)
    .filter((c) => typeof c.expression === 'string')
    .map((c) => ({
      key: String(c.key),
      severity: c.severity === 'warning' ? 'warning' : 'error',
      human: String(c.human ?? ''),
      expression: String(c.expression),
    }));
  const binding = bindingOf(element);
  const fixed = fixedOf(element);
  return {
    path,
    min: typeof element.min === 'number' ? element.min : 0,
    max: typeof element.max === 'string' ? element.max : '*',
    types,
    ...(binding ? { binding } : {}),
    ...(fixed ? { fixed } : {}),
    constraints,
  };
}

/**
 * Builds the element tree of a snapshot. Element paths are used, never element ids: the NDOP
 * snapshot has malformed ids such as `patient.reference` (INVENTORY §6.18), its paths are sound.
 */
export function profileTree(snapshot: Json[], where: string): ProfileNode {
  const [first, ...rest] = snapshot;
  if (!first) throw new Error(`${where}: empty snapshot`);
  const root: ProfileNode = { rule: ruleFromSnapshot(first, where), children: new Map(), slices: [] };
  // The node that currently owns each path: a slice takes over its path for the elements that follow it.
  const current = new Map<string, ProfileNode>([[root.rule.path, root]]);
  for (const element of rest) {
    const rule = ruleFromSnapshot(element, where);
    const dot = rule.path.lastIndexOf('.');
    const parent = current.get(rule.path.slice(0, dot));
    if (!parent) continue; // descendants of elements we do not descend into (e.g. contained Resource)
    const name = rule.path.slice(dot + 1);
    const node: ProfileNode = { rule, children: new Map(), slices: [] };
    const existing = parent.children.get(name);
    const sliceName = typeof element.sliceName === 'string' ? element.sliceName : undefined;
    if (sliceName && existing) existing.slices.push({ name: sliceName, node });
    else parent.children.set(name, node);
    current.set(rule.path, node);
    // A new element at this path (not a slice) ends the ownership of any deeper slice paths.
    for (const key of current.keys()) if (key.startsWith(rule.path + '.')) current.delete(key);
  }
  return root;
}
