/**
 * JSON.stringify of a new version's resource, made once: the store keeps it as the version's text, and
 * the wire sends the same string when the codec would write exactly those characters.
 */
import { isWrittenAsIs } from '../fhir/json-writer.js';
import { flatString } from './flat-string.js';
import type { ResourceData } from './store.js';

interface PlainJson {
  text: string;
  /** Whether the codec writes the resource as it is, i.e. its JSON is `text`; found out on first need. */
  asWritten: boolean | undefined;
}

const entries = new WeakMap<object, PlainJson>();

/** JSON.stringify of a resource as one flat string (to be kept). Made before freezing: V8 writes frozen arrays the slow way. */
export function plainJson(resource: Readonly<ResourceData>): string {
  return flatString(JSON.stringify(resource));
}

/**
 * Remembers `text` as the JSON.stringify text of `resource`, which is deeply frozen (so the text stays
 * true): the resource plainJson was given, or one JSON.parse made of that text (JSON.stringify of what
 * JSON.parse makes of JSON.stringify output is that output).
 */
export function rememberPlainJson(resource: Readonly<ResourceData>, text: string): void {
  entries.set(resource, { text, asWritten: undefined });
}

/** The codec's JSON of a resource whose plain JSON is known and is what the codec writes; else undefined. */
export function plainJsonAsWritten(resource: Readonly<ResourceData>): string | undefined {
  const entry = entries.get(resource);
  if (entry === undefined) return undefined;
  entry.asWritten ??= isWrittenAsIs(resource);
  return entry.asWritten ? entry.text : undefined;
}
