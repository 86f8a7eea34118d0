/**
 * FHIR JSON → checked resource. The same walk normalises resources before serialising:
 * every property must be an element the STU3 model defines, with the shape the model gives it
 * (array or single, object or primitive, JSON type of the primitive), and the result is rebuilt
 * in the model's definition order.
 */
import { DOCUMENT_PATH, FhirFormatError, describeJson, positionOf, withDepthGuard } from './errors.js';
import { repeatedProperty } from './json-duplicates.js';
import { isResourceType } from './model/index.js';
import type { Resource } from './resource.js';
import { checkChoice, slotsOf, type Slot } from './slots.js';
import { checkXhtmlDiv } from './xhtml.js';

type JsonObject = Record<string, unknown>;

const POSITION = /at position (\d+)/;
const FIRST_NON_SPACE = /\S/;
const LINE_ENDS = /\r\n?/g;
/**
 * JSON's rendering of XML comments (the DSTU2 convention, still in some of the guide's examples).
 * Comments are not content: they are dropped here as XML comments are dropped by the XML reader.
 */
const FHIR_COMMENTS = 'fhir_comments';

function checkComments(value: unknown, path: string): void {
  if (!Array.isArray(value) || !value.every((comment) => typeof comment === 'string')) {
    throw new FhirFormatError(path, `fhir_comments must be an array of strings, found ${describeJson(value)}`);
  }
}

/** Where JSON.parse stopped: V8 gives the offset for most errors, and none for a wrong first token. */
function syntaxErrorOffset(text: string, message: string): number | undefined {
  const at = POSITION.exec(message);
  if (at) return Number(at[1]);
  if (message.startsWith('Unexpected token')) {
    const first = FIRST_NON_SPACE.exec(text);
    if (first && first[0] !== '{' && first[0] !== '[') return first.index;
  }
  if (message.startsWith('Unexpected end of JSON')) return text.length;
  return undefined;
}

export function parseJson(text: string): Resource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = syntaxErrorOffset(text, message);
    const position = offset === undefined ? undefined : positionOf(text, offset);
    const where = position ? ` at line ${position.line}, column ${position.column}` : '';
    throw new FhirFormatError(DOCUMENT_PATH, `malformed JSON${where}: ${message}`, position);
  }
  const resource = withDepthGuard(() => normaliseResource(value, undefined));
  const repeated = repeatedProperty(text, resource.resourceType);
  if (repeated) {
    throw new FhirFormatError(repeated.path, 'property appears twice in one object (JSON.parse would keep only the last)', positionOf(text, repeated.offset));
  }
  return resource;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a resource (root when parentPath is undefined) and returns it rebuilt in model order. */
export function normaliseResource(value: unknown, parentPath: string | undefined): Resource {
  const where = parentPath ?? DOCUMENT_PATH;
  if (!isObject(value)) throw new FhirFormatError(where, `a resource must be a JSON object, found ${describeJson(value)}`);
  const type = value.resourceType;
  if (typeof type !== 'string') {
    throw new FhirFormatError(where, `a resource needs a string resourceType, found ${describeJson(type)}`);
  }
  if (!isResourceType(type)) throw new FhirFormatError(where, `unknown resourceType "${type}" (not an STU3 resource)`);
  const path = parentPath ?? type;
  return readElementObject(value, type, path, 'resource', { resourceType: type }) as Resource;
}

/**
 * Reads the properties of one JSON object standing for an element of `context` into `out`.
 * `kind` says which bookkeeping properties the object may carry besides its elements.
 * Properties are set as they are read; only when the input was not in definition order is the
 * object rebuilt in that order (input that the codec wrote, or that follows the spec's order, never is).
 */
function readElementObject(obj: JsonObject, context: string, path: string, kind: 'resource' | 'element' | 'primitive', out: JsonObject = {}): JsonObject {
  const slots = slotsOf(context);
  let choices: Map<string, string> | undefined;
  let lastOrder = -1;
  let ordered = true;
  for (const key in obj) {
    if (kind === 'resource' && key === 'resourceType') continue;
    if (key === FHIR_COMMENTS) {
      checkComments(obj[key], `${path}.${key}`);
      continue;
    }
    const underscore = key.charCodeAt(0) === 95; /* _ */
    const name = underscore ? key.slice(1) : key;
    const slot = kind === 'primitive' && name === 'value' ? undefined : slots.get(name);
    if (!slot || (underscore && (!slot.isPrimitive || slot.xmlAttr || slot.isXhtml))) {
      throw new FhirFormatError(`${path}.${key}`, `unknown element (STU3 ${context} has no "${key}")`);
    }
    if (slot.choice !== undefined) choices = checkChoice(choices, slot, path);
    // A primitive's value and its `_` partner are read together, when the first of the two is met.
    if (slot.isPrimitive && !slot.xmlAttr && !slot.isXhtml) {
      if (underscore && obj[name] !== undefined) continue;
      readPrimitivePair(obj, slot, path, out);
    } else {
      const child = obj[key];
      if (slot.isArray) {
        const items = arrayOf(child, path, key);
        out[key] = items.map((item, i) => readComplexOrResource(item, slot, `${path}.${key}[${i}]`));
      } else if (Array.isArray(child)) {
        throw new FhirFormatError(`${path}.${key}`, `expected a single value (max 1 in STU3), found an array`);
      } else if (slot.isPrimitive) {
        out[key] = readPrimitiveValue(child, slot, path, key);
      } else {
        out[key] = readComplexOrResource(child, slot, `${path}.${key}`);
      }
    }
    // Orders of different elements differ, so one step back means the input was out of order.
    if (slot.order < lastOrder) ordered = false;
    lastOrder = slot.order;
  }
  return ordered ? out : inDefinitionOrder(out, slots);
}

/** Where in the output a property goes: its element's place, a primitive's `_` partner just after it. */
function orderOf(key: string, slots: Map<string, Slot>): number {
  if (key === 'resourceType') return -1;
  const underscore = key.charCodeAt(0) === 95; /* _ */
  return slots.get(underscore ? key.slice(1) : key)!.order + (underscore ? 0.5 : 0);
}

/** `out` rebuilt with its properties in definition order (resourceType, when present, first). */
function inDefinitionOrder(out: JsonObject, slots: Map<string, Slot>): JsonObject {
  const keys = Object.keys(out).map((key) => ({ key, order: orderOf(key, slots) }));
  // Few properties: an insertion sort is cheapest (and stable).
  for (let i = 1; i < keys.length; i++) {
    const entry = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]!.order > entry.order) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = entry;
  }
  const sorted: JsonObject = {};
  for (const { key } of keys) sorted[key] = out[key];
  return sorted;
}

function arrayOf(value: unknown, path: string, key: string): unknown[] {
  if (!Array.isArray(value)) throw new FhirFormatError(`${path}.${key}`, `expected an array (STU3 allows repeats), found ${describeJson(value)}`);
  if (value.length === 0) throw new FhirFormatError(`${path}.${key}`, 'an empty array is not allowed in FHIR JSON');
  return value;
}

function readComplexOrResource(value: unknown, slot: Slot, path: string): unknown {
  if (slot.isResource) return normaliseResource(value, path);
  if (!isObject(value)) throw new FhirFormatError(path, `expected an object (${slot.info.type}), found ${describeJson(value)}`);
  return readElementObject(value, slot.context ?? slot.info.type, path, 'element');
}

/** Checks a primitive's JSON value at `path`.`key` (item `index` when repeating); the path is only built for an error. */
function readPrimitiveValue(value: unknown, slot: Slot, path: string, key: string, index?: number): unknown {
  if (slot.isXhtml) {
    if (typeof value !== 'string') throw new FhirFormatError(itemPath(path, key, index), `expected XHTML as a string, found ${describeJson(value)}`);
    checkXhtmlDiv(value, itemPath(path, key, index));
    // XML reads any CR or CRLF in markup as LF: the JSON form says so too, so both formats agree.
    return value.includes('\r') ? value.replace(LINE_ENDS, '\n') : value;
  }
  const kind = slot.jsonKind ?? 'string';
  if (typeof value !== kind) {
    throw new FhirFormatError(itemPath(path, key, index), `expected a JSON ${kind} (${slot.info.type}), found ${describeJson(value)}`);
  }
  if (kind === 'number' && (!Number.isFinite(value) || (slot.numberPattern && !slot.numberPattern.test(String(value))))) {
    throw new FhirFormatError(itemPath(path, key, index), `${String(value)} is not a valid ${slot.info.type}`);
  }
  return value;
}

function itemPath(path: string, key: string, index: number | undefined): string {
  return index === undefined ? `${path}.${key}` : `${path}.${key}[${index}]`;
}

/** A primitive's `_name` object; null when it holds nothing but comments. */
function readPrimitiveExtras(value: unknown, slot: Slot, path: string): JsonObject | null {
  if (!isObject(value)) throw new FhirFormatError(path, `expected an object with id/extension, found ${describeJson(value)}`);
  const extras = readElementObject(value, slot.primitiveContext ?? 'Element', path, 'primitive');
  return extras.id === undefined && extras.extension === undefined ? null : extras;
}

/** `_name` for each primitive name, made once: looking a freshly built string up as a key costs more than the map. */
const extrasKeys = new Map<string, string>();

function extrasKeyOf(name: string): string {
  let key = extrasKeys.get(name);
  if (key === undefined) {
    key = `_${name}`;
    extrasKeys.set(name, key);
  }
  return key;
}

function readPrimitivePair(obj: JsonObject, slot: Slot, path: string, out: JsonObject): void {
  const name = slot.name;
  const value = obj[name];
  const extrasKey = extrasKeyOf(name);
  const extras = obj[extrasKey];
  if (!slot.isArray) {
    if (Array.isArray(value)) throw new FhirFormatError(`${path}.${name}`, 'expected a single value (max 1 in STU3), found an array');
    if (Array.isArray(extras)) throw new FhirFormatError(`${path}.${extrasKey}`, 'expected a single object (max 1 in STU3), found an array');
    if (value !== undefined) out[name] = readPrimitiveValue(value, slot, path, name);
    const extrasValue = extras === undefined ? null : readPrimitiveExtras(extras, slot, `${path}.${extrasKey}`);
    if (value === undefined && extrasValue === null) throw new FhirFormatError(`${path}.${name}`, 'an element needs a value or an id/extension');
    if (extrasValue !== null) out[extrasKey] = extrasValue;
    return;
  }
  const values = value === undefined ? undefined : arrayOf(value, path, name);
  const extraList = extras === undefined ? undefined : arrayOf(extras, path, extrasKey);
  if (values && extraList && values.length !== extraList.length) {
    throw new FhirFormatError(`${path}.${extrasKey}`, `must have as many items as ${name} (${extraList.length} vs ${values.length})`);
  }
  const length = (values ?? extraList ?? []).length;
  // Made at their final length: an array grown by push keeps spare room, and a stored resource keeps its arrays.
  const outValues = new Array<unknown>(length);
  const outExtras = new Array<unknown>(length);
  let anyValue = false;
  let anyExtras = false;
  for (let i = 0; i < length; i++) {
    const v = values?.[i] ?? null;
    const rawExtras = extraList?.[i] ?? null;
    const e = rawExtras === null ? null : readPrimitiveExtras(rawExtras, slot, `${path}.${extrasKey}[${i}]`);
    if (v === null && e === null) throw new FhirFormatError(`${path}.${name}[${i}]`, 'an item needs a value or an id/extension');
    outValues[i] = v === null ? null : readPrimitiveValue(v, slot, path, name, i);
    outExtras[i] = e;
    anyValue ||= v !== null;
    anyExtras ||= e !== null;
  }
  if (anyValue) out[name] = outValues;
  if (anyExtras) out[extrasKey] = outExtras;
}
