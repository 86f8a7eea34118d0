/**
 * Serialisation of responses through the codec, with one shortcut: stored versions are immutable
 * (deeply frozen), so the text of each one in each format is made once and reused, also when the
 * version is an entry of a search or history Bundle. The Bundle itself still goes through the codec,
 * with a placeholder per cached entry that is then replaced by the cached text. Anything not frozen
 * (e.g. a resource a response filter built) is serialised by the codec in full.
 */
import { serializeResource } from '../fhir/index.js';
import type { Format } from '../fhir/index.js';
import type { ResourceData } from './store.js';
import { plainJsonAsWritten } from './plain-json.js';

const cache = new WeakMap<object, Partial<Record<Format, string>>>();
const ROOT_NAMESPACE = /^<([A-Za-z]+) xmlns="http:\/\/hl7\.org\/fhir">/;

/** The text of a resource as it appears nested in a Bundle (XML drops the root namespace declaration). */
function nestedText(resource: ResourceData, format: Format): string | undefined {
  if (format === 'json') {
    // The text the store made for a new version (or a version read back), when the codec writes the same.
    const plain = plainJsonAsWritten(resource);
    if (plain !== undefined) return plain;
  }
  const entry = cache.get(resource) ?? {};
  let text = entry[format];
  if (text === undefined) {
    const standalone = serializeResource(resource, format);
    if (format === 'json') text = standalone;
    else {
      const root = ROOT_NAMESPACE.exec(standalone);
      if (!root) return undefined;
      text = `<${root[1]}>${standalone.slice(root[0].length)}`;
    }
    entry[format] = text;
    cache.set(resource, entry);
  }
  return text;
}

function placeholder(i: number): ResourceData {
  return { resourceType: 'Basic', id: `ndop-cached-entry-${i}` };
}

const placeholderTexts = new Map<string, string>();
function placeholderText(i: number, format: Format): string {
  const key = `${format}:${i}`;
  let text = placeholderTexts.get(key);
  if (text === undefined) {
    const standalone = serializeResource(placeholder(i), format);
    text = format === 'json' ? standalone : standalone.replace(ROOT_NAMESPACE, '<$1>');
    placeholderTexts.set(key, text);
  }
  return text;
}

function cachedBundle(bundle: ResourceData, format: Format): string | undefined {
  const entries = bundle.entry as Array<Record<string, unknown>>;
  const texts: string[] = [];
  const withPlaceholders = entries.map((entry, i) => {
    const resource = entry.resource as ResourceData | undefined;
    if (!resource || !Object.isFrozen(resource)) return entry;
    const text = nestedText(resource, format);
    if (text === undefined) return entry;
    texts[i] = text;
    return { ...entry, resource: placeholder(i) };
  });
  let out = serializeResource({ ...bundle, entry: withPlaceholders }, format);
  for (const [i, text] of texts.entries()) {
    if (text === undefined) continue;
    const marker = placeholderText(i, format);
    const at = out.indexOf(marker);
    if (at < 0 || out.indexOf(marker, at + 1) >= 0) return undefined;
    out = out.slice(0, at) + text + out.slice(at + marker.length);
  }
  return out;
}

const standaloneXml = new WeakMap<object, string>();

export function serializeForWire(resource: ResourceData, format: Format): string {
  if (Object.isFrozen(resource)) {
    // Standalone JSON is the nested text; standalone XML differs (root namespace), so it has its own cache.
    if (format === 'json') return nestedText(resource, format) ?? serializeResource(resource, format);
    let xml = standaloneXml.get(resource);
    if (xml === undefined) {
      xml = serializeResource(resource, 'xml');
      standaloneXml.set(resource, xml);
    }
    return xml;
  }
  if (resource.resourceType === 'Bundle' && Array.isArray(resource.entry) && resource.entry.length > 0) {
    return cachedBundle(resource, format) ?? serializeResource(resource, format);
  }
  return serializeResource(resource, format);
}
