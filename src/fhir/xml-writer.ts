/**
 * Checked resource → FHIR XML. Elements come out in the model's definition order, Element.id and
 * Extension.url as attributes, primitives as value attributes, nested resources wrapped in their
 * element, and the narrative div as markup.
 */
import { withDepthGuard } from './errors.js';
import { normaliseResource } from './json-reader.js';
import { FHIR_NAMESPACE, type Resource, type SerializeOptions } from './resource.js';
import { slotsOf, type Slot } from './slots.js';
import { escapeXml } from './xml-text.js';

type JsonObject = Record<string, unknown>;

export function toXml(resource: Resource, options?: SerializeOptions): string {
  return withDepthGuard(() => {
    const checked = normaliseResource(resource, undefined);
    const writer = new XmlWriter(options?.pretty === true);
    writer.resource(checked, checked.resourceType, 0, ` xmlns="${FHIR_NAMESPACE}"`);
    return writer.out;
  });
}

class XmlWriter {
  out = '';
  constructor(private readonly pretty: boolean) {}

  private open(depth: number): void {
    if (this.pretty) this.out += (this.out === '' ? '' : '\n') + '  '.repeat(depth);
  }

  resource(resource: JsonObject, path: string, depth: number, xmlns = ''): void {
    const type = resource.resourceType as string;
    this.open(depth);
    this.out += `<${type}${xmlns}>`;
    this.children(resource, type, path, depth + 1);
    this.open(depth);
    this.out += `</${type}>`;
  }

  /** Writes the element children of a checked object, whose keys are already in model order. */
  private children(obj: JsonObject, context: string, path: string, depth: number): void {
    const slots = slotsOf(context);
    for (const key in obj) {
      if (key === 'resourceType') continue;
      const underscore = key.charCodeAt(0) === 95;
      const name = underscore ? key.slice(1) : key;
      const slot = slots.get(name)!;
      if (slot.xmlAttr) continue;
      if (underscore && obj[name] !== undefined) continue; // written with its value
      const childPath = `${path}.${name}`;
      if (slot.isPrimitive && !slot.isXhtml) {
        this.primitive(slot, obj[name], obj[`_${name}`], childPath, depth);
      } else if (slot.isArray) {
        const items = obj[name] as unknown[];
        for (let i = 0; i < items.length; i++) this.complex(slot, items[i] as JsonObject, `${childPath}[${i}]`, depth);
      } else if (slot.isXhtml) {
        this.open(depth);
        this.out += obj[name] as string;
      } else {
        this.complex(slot, obj[name] as JsonObject, childPath, depth);
      }
    }
  }

  private attributes(obj: JsonObject, context: string, path: string): string {
    let attrs = '';
    if (obj.id !== undefined && slotsOf(context).get('id')?.xmlAttr) attrs += ` id="${escapeXml(obj.id as string, `${path}.id`)}"`;
    if (obj.url !== undefined && slotsOf(context).get('url')?.xmlAttr) attrs += ` url="${escapeXml(obj.url as string, `${path}.url`)}"`;
    return attrs;
  }

  private complex(slot: Slot, obj: JsonObject, path: string, depth: number): void {
    if (slot.isResource) {
      this.open(depth);
      this.out += `<${slot.name}>`;
      this.resource(obj, path, depth + 1);
      this.open(depth);
      this.out += `</${slot.name}>`;
      return;
    }
    const context = slot.context ?? slot.info.type;
    this.open(depth);
    this.out += `<${slot.name}${this.attributes(obj, context, path)}`;
    if (hasElementChildren(obj, context)) {
      this.out += '>';
      this.children(obj, context, path, depth + 1);
      this.open(depth);
      this.out += `</${slot.name}>`;
    } else {
      this.out += '/>';
    }
  }

  private primitive(slot: Slot, value: unknown, extras: unknown, path: string, depth: number): void {
    if (!slot.isArray) {
      this.primitiveElement(slot, value, extras as JsonObject | undefined, path, depth);
      return;
    }
    const values = value as unknown[] | undefined;
    const extraList = extras as (JsonObject | null)[] | undefined;
    const length = (values ?? extraList)!.length;
    for (let i = 0; i < length; i++) {
      this.primitiveElement(slot, values?.[i] ?? undefined, extraList?.[i] ?? undefined, `${path}[${i}]`, depth);
    }
  }

  private primitiveElement(slot: Slot, value: unknown, extras: JsonObject | undefined, path: string, depth: number): void {
    this.open(depth);
    let tag = `<${slot.name}`;
    if (extras?.id !== undefined) tag += ` id="${escapeXml(extras.id as string, `${path}.id`)}"`;
    if (value !== undefined && value !== null) tag += ` value="${escapeXml(String(value), path)}"`;
    this.out += tag;
    if (extras?.extension !== undefined) {
      this.out += '>';
      this.children({ extension: extras.extension }, slot.primitiveContext!, path, depth + 1);
      this.open(depth);
      this.out += `</${slot.name}>`;
    } else {
      this.out += '/>';
    }
  }
}

function hasElementChildren(obj: JsonObject, context: string): boolean {
  const slots = slotsOf(context);
  for (const key in obj) {
    if (!slots.get(key)?.xmlAttr) return true;
  }
  return false;
}
