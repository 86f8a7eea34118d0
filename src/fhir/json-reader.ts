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
  propertiesRead = 0;
  const resource = withDepthGuard(() => normaliseResource(value, undefined));
  // The walk meets every object of the parsed value and each of its properties once; JSON.parse keeps one
  // property per name, so only when the text has more names than that did a name repeat.
  if (propertiesRead !== propertyNameCount(text)) {
    const repeated = repeatedProperty(text, resource.resourceType);
    if (repeated) {
      throw new FhirFormatError(repeated.path, 'property appears twice in one object (JSON.parse would keep only the last)', positionOf(text, repeated.offset));
    }
  }
  return resource;
}

/** Properties the walk has read since parseJson set it to 0. */
let propertiesRead = 0;

const BACKSLASH = 92;
const COLON = 58;

/** How many property names valid JSON text holds: the strings that a colon follows. */
function propertyNameCount(text: string): number {
  let count = 0;
  for (let start = text.indexOf('"'); start >= 0; ) {
    let end = text.indexOf('"', start + 1);
    while (isEscaped(text, end)) end = text.indexOf('"', end + 1);
    let next = end + 1;
    while (isJsonWhiteSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === COLON) count++;
    start = text.indexOf('"', next);
  }
  return count;
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

function isJsonWhiteSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a resource (root when parentPath is undefined) and returns it in model order: the input
 * itself when it already is exactly that (no comments to drop, nothing out of order), else a copy.
 */
export function normaliseResource(value: unknown, parentPath: string | undefined): Resource {
  const where = parentPath ?? DOCUMENT_PATH;
  if (!isObject(value)) throw new FhirFormatError(where, `a resource must be a JSON object, found ${describeJson(value)}`);
  const type = value.resourceType;
  if (typeof type !== 'string') {
    throw new FhirFormatError(where, `a resource needs a string resourceType, found ${describeJson(type)}`);
  }
  if (!isResourceType(type)) throw new FhirFormatError(where, `unknown resourceType "${type}" (not an STU3 resource)`);
  const path = parentPath ?? type;
  return readElementObject(value, type, path, 'resource') as Resource;
}

/** What an element is in the output when it is not there at all (a `_name` holding only comments). */
const ABSENT = Symbol('absent');

/** A primitive element of an object and its `_` partner (single or repeating) are read together. */
function isPrimitivePair(slot: Slot): boolean {
  return slot.isPrimitive && !slot.xmlAttr && !slot.isXhtml;
}

/**
 * The output of reading one JSON object. While everything read equals the input, in the order the
 * output puts it, the output is the input itself and nothing is built; at the first difference the
 * properties read so far are copied (they are the input's own values) and the rest is set on the copy.
 */
class ObjectOutput {
  out: JsonObject | undefined;
  /** How many of the input's keys (for-in order) have been read. */
  keysRead = 0;

  constructor(
    private readonly obj: JsonObject,
    private readonly slots: Map<string, Slot>,
    /** The resource type when the object is a resource: the output starts with it. */
    private readonly resourceType: string | undefined,
  ) {
    // Only a plain object can stand for itself: for-in also reads inherited properties, which JSON.stringify and the XML writer would not.
    if (Object.getPrototypeOf(obj) !== Object.prototype) this.copy();
  }

  /** `key` read as `value` from the input's `input`. */
  put(key: string, value: unknown, input: unknown): void {
    if (this.out === undefined) {
      if (value === input) return;
      this.copy();
    }
    this.out![key] = value;
  }

  /** A primitive and its `_` partner as read (each ABSENT when the output has none) from the input's values. */
  putPair(name: string, value: unknown, input: unknown, extrasKey: string, extras: unknown, extrasInput: unknown): void {
    if (this.out === undefined) {
      if (sameAsInput(value, input) && sameAsInput(extras, extrasInput)) return;
      this.copy();
    }
    if (value !== ABSENT) this.out![name] = value;
    if (extras !== ABSENT) this.out![extrasKey] = extras;
  }

  /** A property of the input the output leaves out (comments), or an input whose resourceType is not first. */
  differs(): void {
    if (this.out === undefined) this.copy();
  }

  result(ordered: boolean): JsonObject {
    if (ordered) return this.out ?? this.obj;
    if (this.out === undefined) this.copy();
    return inDefinitionOrder(this.out!, this.slots);
  }

  /** The output of the keys read so far, as a new object: each of them was read as the input's own value. */
  private copy(): void {
    const obj = this.obj;
    const out: JsonObject = this.resourceType === undefined ? {} : { resourceType: this.resourceType };
    let index = 0;
    for (const key in obj) {
      if (index++ === this.keysRead) break;
      if (this.resourceType !== undefined && key === 'resourceType') continue;
      const underscore = key.charCodeAt(0) === 95; /* _ */
      const name = underscore ? key.slice(1) : key;
      if (!isPrimitivePair(this.slots.get(name)!)) out[key] = obj[key];
      else if (!underscore || obj[name] === undefined) {
        // As reading does: the value, then its partner, when the first of the two is met.
        const extrasKey = extrasKeyOf(name);
        if (obj[name] !== undefined) out[name] = obj[name];
        if (obj[extrasKey] !== undefined) out[extrasKey] = obj[extrasKey];
      }
    }
    this.out = out;
  }
}

function sameAsInput(read: unknown, input: unknown): boolean {
  return read === ABSENT ? input === undefined : read === input;
}

/**
 * Reads the properties of one JSON object standing for an element (or the resource) of `context`.
 * `kind` says which bookkeeping properties the object may carry besides its elements.
 */
function readElementObject(obj: JsonObject, context: string, path: string, kind: 'resource' | 'element' | 'primitive'): JsonObject {
  const slots = slotsOf(context);
  const output = new ObjectOutput(obj, slots, kind === 'resource' ? context : undefined);
  let choices: Map<string, string> | undefined;
  let lastOrder = -1;
  let ordered = true;
  let previousKey: string | undefined;
  for (const key in obj) {
    propertiesRead++;
    const before = previousKey;
    previousKey = key;
    if (kind === 'resource' && key === 'resourceType') {
      // The output starts with resourceType: an input that has it later differs.
      if (output.keysRead !== 0) output.differs();
      output.keysRead++;
      continue;
    }
    if (key === FHIR_COMMENTS) {
      checkComments(obj[key], `${path}.${key}`);
      output.differs();
      output.keysRead++;
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
    if (isPrimitivePair(slot)) {
      if (underscore && obj[name] !== undefined) {
        // Already in the output, right after its value: the input has it in the same place only when it follows the value.
        if (before !== name) output.differs();
        output.keysRead++;
        continue;
      }
      readPrimitivePair(obj, slot, path, output);
    } else {
      const child = obj[key];
      if (slot.isArray) {
        output.put(key, readComplexArray(arrayOf(child, path, key), slot, `${path}.${key}`), child);
      } else if (Array.isArray(child)) {
        throw new FhirFormatError(`${path}.${key}`, `expected a single value (max 1 in STU3), found an array`);
      } else if (slot.isPrimitive) {
        output.put(key, readPrimitiveValue(child, slot, path, key), child);
      } else {
        output.put(key, readComplexOrResource(child, slot, `${path}.${key}`), child);
      }
    }
    output.keysRead++;
    // Orders of different elements differ, so one step back means the input was out of order.
    if (slot.order < lastOrder) ordered = false;
    lastOrder = slot.order;
  }
  return output.result(ordered);
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

/** The items of a repeating complex element as read: the input array itself while every item reads as itself. */
function readComplexArray(items: unknown[], slot: Slot, path: string): unknown[] {
  let out = Object.getPrototypeOf(items) === Array.prototype ? undefined : copyOfItems(items, 0);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const value = readComplexOrResource(item, slot, `${path}[${i}]`);
    if (out === undefined) {
      if (value === item) continue;
      out = copyOfItems(items, i);
    }
    out[i] = value;
  }
  return out ?? items;
}

/** A new array as long as `items`, holding the first `count` of them (made at its final length: an array grown by push keeps spare room, which a stored resource would keep). */
function copyOfItems(items: readonly unknown[], count: number): unknown[] {
  const copy = new Array<unknown>(items.length);
  for (let i = 0; i < count; i++) copy[i] = items[i];
  return copy;
}

/** The input list when the list read has the same items (and the input is a plain array), else the list read. */
function inputIfSame(input: unknown[] | undefined, read: unknown[]): unknown[] {
  if (input === undefined || Object.getPrototypeOf(input) !== Array.prototype) return read;
  for (let i = 0; i < read.length; i++) if (read[i] !== input[i]) return read;
  return input;
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

function readPrimitivePair(obj: JsonObject, slot: Slot, path: string, output: ObjectOutput): void {
  const name = slot.name;
  const value = obj[name];
  const extrasKey = extrasKeyOf(name);
  const extras = obj[extrasKey];
  if (!slot.isArray) {
    if (Array.isArray(value)) throw new FhirFormatError(`${path}.${name}`, 'expected a single value (max 1 in STU3), found an array');
    if (Array.isArray(extras)) throw new FhirFormatError(`${path}.${extrasKey}`, 'expected a single object (max 1 in STU3), found an array');
    const valueRead = value === undefined ? ABSENT : readPrimitiveValue(value, slot, path, name);
    const extrasValue = extras === undefined ? null : readPrimitiveExtras(extras, slot, `${path}.${extrasKey}`);
    if (value === undefined && extrasValue === null) throw new FhirFormatError(`${path}.${name}`, 'an element needs a value or an id/extension');
    output.putPair(name, valueRead, value, extrasKey, extrasValue ?? ABSENT, extras);
    return;
  }
  const values = value === undefined ? undefined : arrayOf(value, path, name);
  const extraList = extras === undefined ? undefined : arrayOf(extras, path, extrasKey);
  if (values && extraList && values.length !== extraList.length) {
    throw new FhirFormatError(`${path}.${extrasKey}`, `must have as many items as ${name} (${extraList.length} vs ${values.length})`);
  }
  const length = (values ?? extraList ?? []).length;
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
  output.putPair(name, anyValue ? inputIfSame(values, outValues) : ABSENT, value, extrasKey, anyExtras ? inputIfSame(extraList, outExtras) : ABSENT, extras);
}
