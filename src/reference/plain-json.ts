/**
 * JSON.stringify of a deeply frozen resource, made once: the store keeps it as the text of a new version,
 * and the wire sends the same string when the codec would write exactly those characters.
 */
import { flatString } from './flat-string.js';
import type { ResourceData } from './store.js';

const texts = new WeakMap<object, string>();

/** The resource's JSON.stringify text, remembered for the wire. `resource` must be deeply frozen. */
export function plainJsonOfFrozen(resource: Readonly<ResourceData>): string {
  let text = texts.get(resource);
  if (text === undefined) {
    text = flatString(JSON.stringify(resource));
    texts.set(resource, text);
  }
  return text;
}

/**
 * Remembers `text` as the JSON.stringify text of `resource`, a deeply frozen resource just made by
 * JSON.parse of that text (JSON.stringify of what JSON.parse makes of JSON.stringify output is that output).
 */
export function rememberPlainJson(resource: Readonly<ResourceData>, text: string): void {
  texts.set(resource, text);
}

/** The text plainJsonOfFrozen made for (or rememberPlainJson was given with) this very object, if any. */
export function knownPlainJson(resource: Readonly<ResourceData>): string | undefined {
  return texts.get(resource);
}
