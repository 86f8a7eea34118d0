/**
 * FHIR XML → resource (FHIR JSON form). fast-xml-parser turns the text into a tree; this module
 * maps that tree onto the STU3 model, refusing anything the model does not account for.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DOCUMENT_PATH, FhirFormatError, positionOf, withDepthGuard } from './errors.js';
import { isResourceType } from './model/index.js';
import { FHIR_NAMESPACE, XHTML_NAMESPACE, type Resource } from './resource.js';
import { checkChoice, slotsOf, type Slot } from './slots.js';
import { decodeAttribute, escapeXml, isWhitespace } from './xml-text.js';

type XmlNode = string | XmlElement;
interface XmlElement {
  [ATTRIBUTES]?: Record<string, string>;
  [TEXT]?: string;
  [child: string]: unknown;
}
type JsonObject = Record<string, unknown>;

const ATTRIBUTES = '@';
const TEXT = '#text';

// Entity processing is ours (see xml-text.ts); values stay strings; the div stays raw markup.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: ATTRIBUTES,
  textNodeName: TEXT,
  removeNSPrefix: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  stopNodes: ['*.div'],
  // Callbacks get the path matcher rather than a path string built for every tag (faster).
  jPath: false,
});

/** Namespaces in scope: the default one and, only when a document uses them, prefixes. */
interface Scope {
  defaultNs: string | undefined;
  prefixes: Record<string, string> | undefined;
}
const EMPTY_SCOPE: Scope = { defaultNs: undefined, prefixes: undefined };

export function parseXml(text: string): Resource {
  const doctype = text.indexOf('<!DOCTYPE');
  if (doctype >= 0) {
    const position = positionOf(text, doctype);
    throw new FhirFormatError(DOCUMENT_PATH, `DOCTYPE declarations are not allowed (no DTD or entity expansion) at line ${position.line}, column ${position.column}`, position);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const position = { line: valid.err.line, column: valid.err.col };
    throw new FhirFormatError(DOCUMENT_PATH, `malformed XML at line ${position.line}, column ${position.column}: ${valid.err.msg}`, position);
  }
  const last = text.lastIndexOf('>');
  if (!isWhitespace(text.slice(last + 1))) {
    const position = positionOf(text, last + 1);
    throw new FhirFormatError(DOCUMENT_PATH, `malformed XML at line ${position.line}, column ${position.column}: text after the root element`, position);
  }
  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    // The validator has passed the text; what the parser still refuses (reserved names, nesting limits) is reported alike.
    throw new FhirFormatError(DOCUMENT_PATH, `malformed XML: ${(error as Error).message}`);
  }
  const roots = Object.keys(tree);
  if (roots.length !== 1) throw new FhirFormatError(DOCUMENT_PATH, `malformed XML: expected one root element, found ${roots.length}`);
  const rootName = roots[0]!;
  const root = tree[rootName];
  if (Array.isArray(root)) throw new FhirFormatError(DOCUMENT_PATH, `malformed XML: expected one root element, found several <${rootName}>`);
  return withDepthGuard(() => readResource(rootName, root as XmlNode, undefined, EMPTY_SCOPE));
}

/** The namespace scope inside an element, given its attributes. */
function scopeOf(attrs: Record<string, string> | undefined, outer: Scope): Scope {
  if (!attrs) return outer;
  let scope = outer;
  for (const name in attrs) {
    if (name === 'xmlns') {
      scope = { defaultNs: attrs[name], prefixes: scope.prefixes };
    } else if (name.startsWith('xmlns:')) {
      scope = { defaultNs: scope.defaultNs, prefixes: { ...scope.prefixes, [name.slice(6)]: attrs[name]! } };
    }
  }
  return scope;
}

/** Splits a tag name into its local name and checks it is in the FHIR namespace (div: see readDiv). */
function localName(tag: string, scope: Scope, path: string): string {
  const colon = tag.indexOf(':');
  const local = colon < 0 ? tag : tag.slice(colon + 1);
  const ns = colon < 0 ? scope.defaultNs : scope.prefixes?.[tag.slice(0, colon)];
  // The narrative div is XHTML; readDiv checks its namespace and names the XHTML one.
  if (ns !== FHIR_NAMESPACE && tag !== 'div') {
    const found = ns === undefined ? (colon < 0 ? 'no namespace' : `undeclared prefix "${tag.slice(0, colon)}"`) : `namespace "${ns}"`;
    throw new FhirFormatError(path === '' ? local : `${path}.${local}`, `element <${tag}> must be in the FHIR namespace ${FHIR_NAMESPACE}, found ${found}`);
  }
  return local;
}

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * xsi:schemaLocation (as in one of the guide's variants) tells tools where the FHIR schema is;
 * it is about the document, not resource content, so it is accepted and not carried over.
 */
function isSchemaHint(name: string, scope: Scope): boolean {
  const colon = name.indexOf(':');
  if (colon < 0 || scope.prefixes?.[name.slice(0, colon)] !== XSI_NAMESPACE) return false;
  const local = name.slice(colon + 1);
  return local === 'schemaLocation' || local === 'noNamespaceSchemaLocation';
}

function attributesOf(node: XmlNode): Record<string, string> | undefined {
  return typeof node === 'string' ? undefined : node[ATTRIBUTES];
}

function checkText(node: XmlNode, path: string): void {
  const text = typeof node === 'string' ? node : node[TEXT];
  if (text !== undefined && !isWhitespace(text)) {
    const shown = text.trim();
    throw new FhirFormatError(path, `text content is not allowed in a FHIR element (found "${shown.length > 40 ? shown.slice(0, 40) + '…' : shown}")`);
  }
}

/** A resource element <Consent>…</Consent>; parentPath is undefined for the document root. */
function readResource(tag: string, node: XmlNode, parentPath: string | undefined, outer: Scope): Resource {
  const scope = scopeOf(attributesOf(node), outer);
  const type = localName(tag, scope, parentPath ?? '');
  if (!isResourceType(type)) {
    throw new FhirFormatError(parentPath ?? type, `unknown resource type <${type}> (not an STU3 resource)`);
  }
  const path = parentPath ?? type;
  const out = readChildren(node, type, path, scope);
  return Object.assign({ resourceType: type }, out) as Resource;
}

/** The children and attributes of a complex element, as a JSON object. */
function readChildren(node: XmlNode, context: string, path: string, scope: Scope): JsonObject {
  const out: JsonObject = {};
  if (typeof node === 'string') {
    checkText(node, path);
    return out;
  }
  const slots = slotsOf(context);
  let choices: Map<string, string> | undefined;
  for (const key in node) {
    if (key === TEXT) {
      checkText(node, path);
      continue;
    }
    if (key === ATTRIBUTES) {
      const attrs = node[ATTRIBUTES]!;
      for (const name in attrs) {
        if (name === 'xmlns' || name.startsWith('xmlns:') || isSchemaHint(name, scope)) continue;
        const slot = slots.get(name);
        if (!slot?.xmlAttr) throw new FhirFormatError(`${path}.${name}`, `unknown attribute "${name}" (STU3 ${context} has no such XML attribute)`);
        out[name] = decodeAttribute(attrs[name]!, `${path}.${name}`);
      }
      continue;
    }
    const value = node[key] as XmlNode | XmlNode[];
    const first = Array.isArray(value) ? value[0]! : value;
    const name = localName(key, scopeOf(attributesOf(first), scope), path);
    const slot = slots.get(name);
    const childPath = `${path}.${name}`;
    if (!slot || slot.xmlAttr) throw new FhirFormatError(childPath, `unknown element (STU3 ${context} has no element "${name}")`);
    if (slot.choice !== undefined) choices = checkChoice(choices, slot, path);
    // The parser groups siblings by tag as written: <status> and <f:status> arrive apart.
    if (out[name] !== undefined || out[`_${name}`] !== undefined) {
      throw new FhirFormatError(childPath, `element is written with two different namespace prefixes; write all <${name}> elements alike`);
    }
    if (Array.isArray(value)) {
      if (!slot.isArray) throw new FhirFormatError(childPath, `element repeats ${value.length} times but STU3 allows at most one`);
      // Namespaces of the second and later siblings are checked as they are read.
      for (let i = 1; i < value.length; i++) localName(key, scopeOf(attributesOf(value[i]!), scope), path);
      readRepeating(value, slot, childPath, scope, out);
    } else if (slot.isPrimitive && !slot.isXhtml) {
      const item = readPrimitive(value, slot, childPath, scope);
      if (slot.isArray) {
        if (item.value !== undefined) out[name] = [item.value];
        if (item.extras !== undefined) out[`_${name}`] = [item.extras];
      } else {
        if (item.value !== undefined) out[name] = item.value;
        if (item.extras !== undefined) out[`_${name}`] = item.extras;
      }
    } else {
      const item = readComplex(value, slot, slot.isArray ? `${childPath}[0]` : childPath, scope);
      out[name] = slot.isArray ? [item] : item;
    }
  }
  return out;
}

function readRepeating(items: XmlNode[], slot: Slot, path: string, scope: Scope, out: JsonObject): void {
  if (!slot.isPrimitive) {
    out[slot.name] = items.map((item, i) => readComplex(item, slot, `${path}[${i}]`, scope));
    return;
  }
  const values: unknown[] = [];
  const extras: unknown[] = [];
  let anyValue = false;
  let anyExtras = false;
  for (let i = 0; i < items.length; i++) {
    const item = readPrimitive(items[i]!, slot, `${path}[${i}]`, scope);
    values.push(item.value ?? null);
    extras.push(item.extras ?? null);
    anyValue ||= item.value !== undefined;
    anyExtras ||= item.extras !== undefined;
  }
  if (anyValue) out[slot.name] = values;
  if (anyExtras) out[`_${slot.name}`] = extras;
}

function readComplex(node: XmlNode, slot: Slot, path: string, outer: Scope): unknown {
  const scope = scopeOf(attributesOf(node), outer);
  if (slot.isXhtml) return readDiv(node, path, scope);
  if (slot.isResource) return readWrappedResource(node, path, scope);
  return readChildren(node, slot.context ?? slot.info.type, path, scope);
}

/** <resource><Consent>…</Consent></resource>: exactly one resource element inside the wrapper. */
function readWrappedResource(node: XmlNode, path: string, scope: Scope): Resource {
  checkText(node, path);
  const attrs = attributesOf(node);
  for (const name in attrs) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) throw new FhirFormatError(`${path}.${name}`, `unknown attribute "${name}" (a resource wrapper has no attributes)`);
  }
  const tags = typeof node === 'string' ? [] : Object.keys(node).filter((key) => key !== ATTRIBUTES && key !== TEXT);
  const inner = tags.length === 1 && typeof node !== 'string' ? node[tags[0]!] : undefined;
  if (inner === undefined || Array.isArray(inner)) {
    const count = inner === undefined ? tags.length : (inner as unknown[]).length;
    throw new FhirFormatError(path, `must contain exactly one resource element, found ${count}`);
  }
  return readResource(tags[0]!, inner as XmlNode, path, scope);
}

interface PrimitiveItem {
  value: unknown;
  extras: JsonObject | undefined;
}

/** <status id="…" value="…"><extension …/></status> → value and the `_status` object. */
function readPrimitive(node: XmlNode, slot: Slot, path: string, outer: Scope): PrimitiveItem {
  const attrs = attributesOf(node);
  const scope = scopeOf(attrs, outer);
  let value: unknown;
  let extras: JsonObject | undefined;
  if (attrs) {
    for (const name in attrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      if (name === 'value') value = typedValue(decodeAttribute(attrs[name]!, path), slot, path);
      else if (name === 'id') (extras ??= {}).id = decodeAttribute(attrs[name]!, `${path}.id`);
      else throw new FhirFormatError(`${path}.${name}`, `unknown attribute "${name}" (a primitive has only id and value)`);
    }
  }
  if (typeof node !== 'string') {
    for (const key in node) {
      if (key === ATTRIBUTES) continue;
      if (key === TEXT) {
        checkText(node, path);
        continue;
      }
      const first = node[key] as XmlNode | XmlNode[];
      const name = localName(key, scopeOf(attributesOf(Array.isArray(first) ? first[0]! : first), scope), path);
      if (name !== 'extension') throw new FhirFormatError(`${path}.${name}`, `unknown element (a primitive ${slot.info.type} has only extension)`);
      const list = Array.isArray(first) ? first : [first];
      const extensionSlot = slotsOf(slot.primitiveContext!).get('extension')!;
      (extras ??= {}).extension = list.map((item, i) => readComplex(item, extensionSlot, `${path}.extension[${i}]`, scope));
    }
  } else {
    checkText(node, path);
  }
  if (value === undefined && extras === undefined) {
    throw new FhirFormatError(path, 'a primitive element needs a value attribute, an id or an extension');
  }
  return { value, extras };
}

function typedValue(text: string, slot: Slot, path: string): unknown {
  switch (slot.jsonKind) {
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new FhirFormatError(path, `"${text}" is not a boolean (true or false)`);
    case 'number':
      if (!slot.numberPattern!.test(text)) throw new FhirFormatError(path, `"${text}" is not a valid ${slot.info.type}`);
      return Number(text);
    default:
      return text;
  }
}

/** The narrative div, kept as its XHTML markup text. */
function readDiv(node: XmlNode, path: string, scope: Scope): string {
  if (scope.defaultNs !== XHTML_NAMESPACE) {
    throw new FhirFormatError(path, `the narrative <div> must be in the XHTML namespace ${XHTML_NAMESPACE}, found ${scope.defaultNs === undefined ? 'no namespace' : `"${scope.defaultNs}"`}`);
  }
  let start = '<div';
  let content = '';
  if (typeof node === 'string') {
    content = node;
  } else {
    const attrs = node[ATTRIBUTES];
    for (const name in attrs) start += ` ${name}="${escapeXml(decodeAttribute(attrs[name]!, `${path}.${name}`), path)}"`;
    content = node[TEXT] ?? '';
  }
  return `${start}>${content}</div>`;
}
