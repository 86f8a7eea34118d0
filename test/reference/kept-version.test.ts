/** The store keeps each version as JSON text; what a reader gets back must be what was stored, frozen, and serialise alike. */
import { describe, expect, it } from 'vitest';
import { serializeResource } from '../../src/fhir/index.js';
import { MemoryConsentStore } from '../../src/reference/store.js';
import { serializeForWire } from '../../src/reference/wire.js';
import { FORMATS, consentFor } from './helpers.js';

function isDeeplyFrozen(value: unknown): boolean {
  if (!value || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

describe('versions the store keeps', () => {
  it('read back equal to the version the create returned, deeply frozen, the same object on every read', async () => {
    const store = new MemoryConsentStore();
    const made = await store.create(consentFor(), { patient: 'p', duplicateKey: 'k' });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const kept = (await store.current(made.version.id))!;
    expect(kept).not.toBe(made.version);
    for (const field of ['id', 'versionId', 'lastUpdated', 'method', 'patient', 'sequence'] as const) expect(kept[field]).toBe(made.version[field]);
    expect(kept.resource).toStrictEqual(made.version.resource);
    expect(Object.keys(kept.resource)).toEqual(Object.keys(made.version.resource));
    expect(isDeeplyFrozen(kept.resource)).toBe(true);
    expect(isDeeplyFrozen(made.version.resource)).toBe(true);
    expect(Object.isFrozen(kept)).toBe(true);
    expect((await store.history(made.version.id))![0]!.resource).toBe(kept.resource);
  });

  it('keep plain JSON data exactly: nested arrays, nulls in primitive lists, numbers, booleans, unicode', async () => {
    const store = new MemoryConsentStore();
    const resource = {
      resourceType: 'Patient',
      name: [{ given: ['Ann', null, 'Zoë \u{1F600}'], _given: [null, { extension: [{ url: 'u', valueDecimal: 1.5e-7 }] }, null] }],
      active: false,
      multipleBirthInteger: 3,
    };
    const made = await store.create(structuredClone(resource), { patient: 'p', duplicateKey: 'k' });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const { id: _id, meta: _meta, ...rest } = (await store.current(made.version.id))!.resource;
    expect(rest).toStrictEqual(resource);
  });

  it.each(FORMATS)('serialise on the wire as the codec serialises the version the create returned (%s)', async (format) => {
    const store = new MemoryConsentStore();
    const made = await store.create(consentFor(), { patient: 'p', duplicateKey: 'k' });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const kept = (await store.current(made.version.id))!;
    expect(serializeForWire(kept.resource, format)).toBe(serializeResource(made.version.resource, format));
  });

  it.each(FORMATS)('serialise as the codec does when the stored resource is not in model order (%s)', async (format) => {
    const store = new MemoryConsentStore();
    // meta.extension belongs before versionId, and status before patient: the codec reorders, the plain text would not.
    const { status, ...rest } = consentFor();
    const unordered = { ...rest, status, meta: { extension: [{ url: 'https://example.org/x', valueString: 'x' }], ...(rest.meta as object) } };
    const made = await store.create(unordered, { patient: 'p', duplicateKey: 'k' });
    if (made.outcome !== 'created') throw new Error(made.outcome);
    const kept = (await store.current(made.version.id))!;
    const codec = serializeResource(made.version.resource, format);
    expect(codec).not.toBe(JSON.stringify(made.version.resource));
    expect(serializeForWire(made.version.resource, format)).toBe(codec);
    expect(serializeForWire(kept.resource, format)).toBe(codec);
  });
});
