/**
 * Navigation over the generated STU3 model: which children an element may have, in which order,
 * of which type, and whether they repeat. Shared by the codec and the validator.
 */
import { readFileSync } from 'node:fs';
import type { ElementDef, PrimitiveDef, Stu3Model, TypeDef } from './types.js';

export type * from './types.js';

export const model: Stu3Model = JSON.parse(readFileSync(new URL('./stu3-model.json', import.meta.url), 'utf8'));

/** One child an element may hold, resolved to a concrete type (choice types expanded). */
export interface ChildInfo {
  /** Name as written in JSON and XML, e.g. valueCodeableConcept. */
  name: string;
  def: ElementDef;
  /** Concrete type code, e.g. CodeableConcept, string, Resource, BackboneElement. */
  type: string;
  isArray: boolean;
  isPrimitive: boolean;
  /** The element holds a whole resource (Bundle.entry.resource, DomainResource.contained). */
  isResource: boolean;
  /** Context to navigate into for this child's own children; undefined for primitives and resources. */
  context: string | undefined;
}

const elementsByPath = new Map<string, ElementDef>();
const childrenByPath = new Map<string, ElementDef[]>();
for (const type of Object.values(model.types)) {
  for (const element of type.elements) {
    elementsByPath.set(element.path, element);
    const dot = element.path.lastIndexOf('.');
    if (dot < 0) continue;
    const parent = element.path.slice(0, dot);
    const list = childrenByPath.get(parent) ?? [];
    list.push(element);
    childrenByPath.set(parent, list);
  }
}

const childCache = new Map<string, Map<string, ChildInfo>>();
const orderCache = new Map<string, ChildInfo[]>();

export function isPrimitiveType(code: string): boolean {
  return code in model.primitives;
}

export function primitiveDef(code: string): PrimitiveDef | undefined {
  return model.primitives[code];
}

export function typeDef(name: string): TypeDef | undefined {
  return model.types[name];
}

export function isResourceType(name: string): boolean {
  const t = model.types[name];
  return t !== undefined && t.kind === 'resource' && !t.abstract;
}

export function elementDef(path: string): ElementDef | undefined {
  return elementsByPath.get(path);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function infoFor(name: string, def: ElementDef, type: string): ChildInfo {
  const isPrimitive = isPrimitiveType(type);
  const isResource = type === 'Resource' || type === 'DomainResource';
  let context: string | undefined;
  if (def.contentReference) context = def.contentReference;
  else if (type === 'BackboneElement' || type === 'Element') context = def.path;
  else if (!isPrimitive && !isResource) context = type;
  return { name, def, type, isArray: def.max !== '1' && def.max !== '0', isPrimitive, isResource, context };
}

/**
 * Children of a context, in the order FHIR defines (which is the XML element order).
 * A context is a type name (Consent, CodeableConcept) or the path of a backbone element (Consent.policy).
 * Elements the type inherits (id, meta, extension, ...) are included: snapshots carry them.
 */
export function childrenOf(context: string): ChildInfo[] {
  const cached = orderCache.get(context);
  if (cached) return cached;
  const list: ChildInfo[] = [];
  for (const def of childrenByPath.get(context) ?? []) {
    const last = def.path.slice(context.length + 1);
    if (last.endsWith('[x]')) {
      const stem = last.slice(0, -3);
      // Reference appears once per target profile in the types list: one child per type code.
      for (const code of new Set(def.types.map((t) => t.code))) list.push(infoFor(stem + capitalise(code), def, code));
    } else {
      list.push(infoFor(last, def, def.types[0]?.code ?? 'BackboneElement'));
    }
  }
  orderCache.set(context, list);
  childCache.set(context, new Map(list.map((c) => [c.name, c])));
  return list;
}

/** The child called `name` in `context`, or undefined when STU3 defines no such element. */
export function childOf(context: string, name: string): ChildInfo | undefined {
  if (!childCache.has(context)) childrenOf(context);
  return childCache.get(context)?.get(name);
}
