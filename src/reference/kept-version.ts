/**
 * A stored version as the in-memory store keeps it: the resource as one JSON string rather than a
 * graph of objects. Every create adds a version that lives as long as the server, and the garbage
 * collector copies and marks each live object again and again, so a Consent kept as ~45 objects costs far
 * more over its life than one string. The resource is made again from the text, deeply frozen, the first
 * time someone reads it, and then kept: versions that are read cost what they always did.
 */
import { deepFreeze } from './deep-freeze.js';
import { rememberPlainJson } from './plain-json.js';
import type { ResourceData, StoredVersion } from './store.js';

export class KeptVersion implements StoredVersion {
  readonly id: string;
  readonly versionId: string;
  readonly lastUpdated: string;
  readonly method: 'POST' | 'PUT';
  readonly patient: string;
  readonly sequence: number;
  /** JSON.stringify of the resource: plain JSON data (what the codec reads and the store holds) comes back equal. */
  readonly #json: string;
  #resource: Readonly<ResourceData> | undefined;

  /** `json` is JSON.stringify of `version.resource` (plain-json.ts). */
  constructor(version: StoredVersion, json: string) {
    this.id = version.id;
    this.versionId = version.versionId;
    this.lastUpdated = version.lastUpdated;
    this.method = version.method;
    this.patient = version.patient;
    this.sequence = version.sequence;
    this.#json = json;
    // Private fields stay writable on a frozen object: the resource can still be made on first read.
    Object.freeze(this);
  }

  get resource(): Readonly<ResourceData> {
    if (this.#resource === undefined) {
      this.#resource = deepFreeze(JSON.parse(this.#json) as ResourceData);
      rememberPlainJson(this.#resource, this.#json);
    }
    return this.#resource;
  }
}
