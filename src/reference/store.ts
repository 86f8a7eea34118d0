/**
 * Storage of Consent versions behind an async interface, with an in-memory default.
 * The store owns identity and versioning: it assigns the logical id (UUID v4), versionId ("1", "2", ...)
 * and meta.lastUpdated, enforces one current Consent per duplicate key, and only ever appends versions.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { deepFreeze } from './deep-freeze.js';
import { flatString } from './flat-string.js';
import { KeptVersion } from './kept-version.js';
import { plainJson, rememberPlainJson } from './plain-json.js';
import { KeyedMutex } from './keyed-mutex.js';

/** What io() gives without simulated latency: nothing to wait for, and no promise made per call. */
const NO_IO: Promise<void> = Promise.resolve();

/** A FHIR resource as plain data (JSON shape). */
export type ResourceData = { resourceType: string; [key: string]: unknown };

export interface StoredVersion {
  id: string;
  versionId: string;
  /** FHIR instant, also meta.lastUpdated of `resource`. */
  lastUpdated: string;
  /** The interaction that produced this version. */
  method: 'POST' | 'PUT';
  /** Patient reference of this version (used by search and type history). */
  patient: string;
  /** Store-wide insertion order, so that "newest first" is total even within one millisecond. */
  sequence: number;
  /** The resource with id and meta set; deeply frozen because history is never rewritten. */
  resource: Readonly<ResourceData>;
}

/** What the server derives from a Consent before storing it. */
export interface ConsentIndex {
  patient: string;
  /** Patient + policy + purpose: at most one current Consent may hold a given key. */
  duplicateKey: string;
}

export type CreateResult = { outcome: 'created'; version: StoredVersion } | { outcome: 'duplicate'; existingId: string };

export type UpdateResult =
  | { outcome: 'updated'; version: StoredVersion }
  | { outcome: 'not-found' }
  | { outcome: 'precondition-failed'; currentVersionId: string }
  | { outcome: 'duplicate'; existingId: string };

export interface ConsentStore {
  /** Atomically: refuse if a current Consent holds the same duplicate key, else store version 1 under a new id. */
  create(resource: ResourceData, index: ConsentIndex): Promise<CreateResult>;
  /**
   * Atomically: refuse if `id` is unknown, if `expectedVersionId` is given and is not the current version,
   * or if another Consent holds the new duplicate key; else append the next version.
   */
  update(id: string, resource: ResourceData, index: ConsentIndex, expectedVersionId?: string): Promise<UpdateResult>;
  current(id: string): Promise<StoredVersion | undefined>;
  version(id: string, versionId: string): Promise<StoredVersion | undefined>;
  /** Every version of one Consent, newest first; undefined when the id is unknown. */
  history(id: string): Promise<StoredVersion[] | undefined>;
  /** Current versions matching all given criteria. */
  findCurrent(criteria: { patient?: string; id?: string }): Promise<StoredVersion[]>;
  /** Every version (of any Consent) whose patient is `patient`, newest first. */
  historyForPatient(patient: string): Promise<StoredVersion[]>;
}

export interface MemoryStoreOptions {
  /**
   * Simulated I/O time between a store's read and its write, as a database would have. With it, two
   * requests really do interleave inside one operation, which is what the locks below must survive.
   */
  latencyMs?: number;
  now?: () => Date;
  newId?: () => string;
}

export interface StoreRecord {
  versions: StoredVersion[];
  duplicateKey: string;
}

export class MemoryConsentStore implements ConsentStore {
  protected readonly records = new Map<string, StoreRecord>();
  protected readonly byKey = new Map<string, string>();
  /** Ids of the Consents each patient has had versions under: almost always one, kept as the id itself. */
  private readonly byPatient = new Map<string, string | string[]>();
  /**
   * Why a mutex although JavaScript is single-threaded: every operation is async, so a check
   * ("no Consent has this key", "current version is 3") and the write that depends on it are separated
   * by awaits (I/O in any real backend, `latencyMs` here). Without a lock, N concurrent creates would all
   * pass the check before any of them writes, and concurrent If-Match updates would all see the same
   * version and overwrite each other. Locks are per duplicate key and per id, so unrelated patients
   * never wait for each other. A lock key is `id:<id>` or the duplicate key itself (no prefixed copy to
   * build and hash per create; a duplicate key spelled `id:…` would only make two calls wait in turn).
   */
  protected readonly locks = new KeyedMutex();
  private sequence = 0;
  private readonly latencyMs: number;
  /** Now in ms since the epoch. */
  private readonly now: () => number;
  private lastInstant = { ms: Number.NaN, text: '' };
  protected readonly newId: () => string;

  constructor(options: MemoryStoreOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    const now = options.now;
    this.now = now ? () => now().getTime() : Date.now;
    this.newId = options.newId ?? randomUUID;
  }

  protected io(): Promise<void> {
    return this.latencyMs > 0 ? delay(this.latencyMs) : NO_IO;
  }

  private stamp(resource: ResourceData, id: string, versionId: string, lastUpdated: string): ResourceData {
    const meta = (resource.meta && typeof resource.meta === 'object' ? resource.meta : {}) as { [k: string]: unknown };
    // id first, then meta with versionId/lastUpdated first: the order FHIR JSON conventionally uses.
    const stampedMeta: { [k: string]: unknown } = { versionId, lastUpdated };
    for (const key of Object.keys(meta)) if (key !== 'versionId' && key !== 'lastUpdated') stampedMeta[key] = meta[key];
    const stamped: ResourceData = { resourceType: resource.resourceType, id, meta: stampedMeta };
    for (const key of Object.keys(resource)) if (key !== 'resourceType' && key !== 'id' && key !== 'meta') stamped[key] = resource[key];
    return stamped;
  }

  /**
   * meta.lastUpdated of a new version: now, and always after the version it follows, even within one
   * millisecond, so that a client comparing two versions' timestamps never sees an update that did not advance.
   */
  protected lastUpdatedFor(previous: StoredVersion | undefined): string {
    const now = this.now();
    const floor = previous ? Date.parse(previous.lastUpdated) + 1 : now;
    return this.instant(Math.max(now, floor));
  }

  /** FHIR instant of a time in ms; versions made within one millisecond share the text. */
  private instant(ms: number): string {
    if (ms !== this.lastInstant.ms) this.lastInstant = { ms, text: new Date(ms).toISOString() };
    return this.lastInstant.text;
  }

  // Protected, with `records`, `byKey`, `locks` and `io`: fault injection (src/reference/faults) subclasses the store.
  protected append(id: string, resource: ResourceData, index: ConsentIndex, method: 'POST' | 'PUT', versionNumber: number): StoredVersion {
    const record = this.records.get(id);
    const lastUpdated = this.lastUpdatedFor(record?.versions.at(-1));
    const versionId = String(versionNumber);
    // The store takes ownership of `resource` (callers hand over freshly parsed data): no copy, frozen in place.
    const stamped = this.stamp(resource, id, versionId, lastUpdated);
    const json = plainJson(stamped);
    const version: StoredVersion = deepFreeze({ id, versionId, lastUpdated, method, patient: index.patient, sequence: ++this.sequence, resource: stamped });
    rememberPlainJson(version.resource, json);
    // The caller gets the version with the resource it handed over; the store keeps it as text.
    const kept = new KeptVersion(version, json);
    const duplicateKey = flatString(index.duplicateKey);
    if (record === undefined) this.records.set(id, { versions: [kept], duplicateKey });
    else {
      if (record.duplicateKey !== index.duplicateKey && this.byKey.get(record.duplicateKey) === id) this.byKey.delete(record.duplicateKey);
      record.duplicateKey = duplicateKey;
      record.versions.push(kept);
    }
    this.byKey.set(duplicateKey, id);
    const ids = this.byPatient.get(index.patient);
    if (ids === undefined) this.byPatient.set(index.patient, id);
    else if (typeof ids === 'string') {
      if (ids !== id) this.byPatient.set(index.patient, [ids, id]);
    } else if (!ids.includes(id)) ids.push(id);
    return version;
  }

  create(resource: ResourceData, index: ConsentIndex): Promise<CreateResult> {
    return this.locks.withLocks([index.duplicateKey], async () => {
      const existingId = this.byKey.get(index.duplicateKey);
      await this.io();
      if (existingId !== undefined) return { outcome: 'duplicate', existingId };
      const version = this.append(this.newId(), resource, index, 'POST', 1);
      return { outcome: 'created', version };
    });
  }

  async update(id: string, resource: ResourceData, index: ConsentIndex, expectedVersionId?: string): Promise<UpdateResult> {
    const before = this.records.get(id);
    // Lock the id and both the old and the new duplicate key, so a concurrent create cannot take either.
    const keys = [`id:${id}`, index.duplicateKey, ...(before ? [before.duplicateKey] : [])];
    const result = await this.locks.withLocks(keys, async (): Promise<UpdateResult | undefined> => {
      const record = this.records.get(id);
      // Another update changed this Consent's key between our first look and the lock: lock again.
      if (record && record.duplicateKey !== before?.duplicateKey && record.duplicateKey !== index.duplicateKey) return undefined;
      // Read what the write depends on, then "do I/O", then write: the lock keeps others out in between.
      const current = record?.versions[record.versions.length - 1];
      const holder = this.byKey.get(index.duplicateKey);
      await this.io();
      if (!record || !current) return { outcome: 'not-found' } as const;
      if (expectedVersionId !== undefined && expectedVersionId !== current.versionId) {
        return { outcome: 'precondition-failed', currentVersionId: current.versionId };
      }
      if (holder !== undefined && holder !== id) return { outcome: 'duplicate', existingId: holder };
      const version = this.append(id, resource, index, 'PUT', Number(current.versionId) + 1);
      return { outcome: 'updated', version };
    });
    return result ?? this.update(id, resource, index, expectedVersionId);
  }

  async current(id: string): Promise<StoredVersion | undefined> {
    await this.io();
    const versions = this.records.get(id)?.versions;
    return versions?.[versions.length - 1];
  }

  async version(id: string, versionId: string): Promise<StoredVersion | undefined> {
    await this.io();
    return this.records.get(id)?.versions.find((v) => v.versionId === versionId);
  }

  async history(id: string): Promise<StoredVersion[] | undefined> {
    await this.io();
    const versions = this.records.get(id)?.versions;
    return versions ? [...versions].reverse() : undefined;
  }

  async findCurrent(criteria: { patient?: string; id?: string }): Promise<StoredVersion[]> {
    await this.io();
    const ids = criteria.id !== undefined ? [criteria.id] : criteria.patient !== undefined ? this.idsOf(criteria.patient) : [...this.records.keys()];
    const found: StoredVersion[] = [];
    for (const id of ids) {
      const versions = this.records.get(id)?.versions;
      const current = versions?.[versions.length - 1];
      if (!current) continue;
      if (criteria.patient !== undefined && current.patient !== criteria.patient) continue;
      found.push(current);
    }
    return found.sort((a, b) => a.sequence - b.sequence);
  }

  private idsOf(patient: string): string[] {
    const ids = this.byPatient.get(patient);
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : [...ids];
  }

  async historyForPatient(patient: string): Promise<StoredVersion[]> {
    await this.io();
    const found: StoredVersion[] = [];
    for (const id of this.idsOf(patient)) {
      for (const v of this.records.get(id)?.versions ?? []) if (v.patient === patient) found.push(v);
    }
    return found.sort((a, b) => b.sequence - a.sequence);
  }
}
