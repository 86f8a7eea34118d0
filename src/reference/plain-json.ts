/**
 * JSON.stringify of a deeply frozen resource, made once: the store keeps it as the text of a new version,
 * and the wire sends the same string when the codec would write exactly those characters.
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

/** The resource's JSON.stringify text, remembered for the wire. `resource` must be deeply frozen. */
export function plainJsonOfFrozen(resource: Readonly<ResourceData>): string {
  let entry = entries.get(resource);
  if (entry === undefined) {
    entry = { text: flatString(JSON.stringify(resource)), asWritten: undefined };
    entries.set(resource, entry);
  }
  return entry.text;
}

/**
 * Remembers `text` as the JSON.stringify text of `resource`, a deeply frozen resource just made by
 * JSON.parse of that text (JSON.stringify of what JSON.parse makes of JSON.stringify output is that output).
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
