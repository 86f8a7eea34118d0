/**
 * Stores whose faults live inside one operation (a missing lock, an overwrite), which no wrapper around
 * the store's interface could produce: subclasses of the in-memory store that change just that step.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { MemoryConsentStore } from '../store.js';
import type { ConsentIndex, CreateResult, ResourceData, StoredVersion } from '../store.js';

/** Long enough that concurrent creates for one patient all pass the check before any of them writes. */
const RACE_WINDOW_MS = 25;

/** Checks for a duplicate, waits as a database round trip would, then writes: with no lock in between. */
export class UnlockedCreateStore extends MemoryConsentStore {
  override async create(resource: ResourceData, index: ConsentIndex): Promise<CreateResult> {
    const existingId = this.byKey.get(index.duplicateKey);
    await delay(RACE_WINDOW_MS);
    if (existingId !== undefined) return { outcome: 'duplicate', existingId };
    return { outcome: 'created', version: this.append(this.newId(), resource, index, 'POST', 1) };
  }
}

/** A new version keeps the lastUpdated of the version it follows. */
export class StaleTimestampStore extends MemoryConsentStore {
  protected override lastUpdatedFor(previous: StoredVersion | undefined): string {
    return previous?.lastUpdated ?? super.lastUpdatedFor(previous);
  }
}

/** An update replaces the current version in place: same versionId, and the old content is gone. */
export class OverwritingStore extends MemoryConsentStore {
  protected override append(id: string, resource: ResourceData, index: ConsentIndex, method: 'POST' | 'PUT', versionNumber: number): StoredVersion {
    const record = this.records.get(id);
    if (method === 'PUT' && record && record.versions.length > 0) {
      record.versions.pop();
      return super.append(id, resource, index, method, versionNumber - 1);
    }
    return super.append(id, resource, index, method, versionNumber);
  }
}
