/** The serialisation cache gives byte for byte what the codec gives. */
import { describe, expect, it } from 'vitest';
import { serializeResource } from '../../src/fhir/index.js';
import { MemoryConsentStore } from '../../src/reference/store.js';
import { historyBundle, searchsetBundle } from '../../src/reference/representation.js';
import { serializeForWire } from '../../src/reference/wire.js';
import { FORMATS, consentFor } from './helpers.js';

describe('serializeForWire', () => {
  it.each(FORMATS)('equals the codec for stored Consents, searchsets and history Bundles (%s)', async (format) => {
    const store = new MemoryConsentStore();
    const versions = [];
    for (let i = 0; i < 3; i++) {
      const made = await store.create(consentFor(), { patient: `p${i}`, duplicateKey: `k${i}` });
      if (made.outcome !== 'created') throw new Error('not created');
      versions.push(made.version);
    }
    const mixed = searchsetBundle(versions, 'http://h', 'http://h/Consent?a=b&c=<d>');
    // A filter may put an ordinary (unfrozen) resource into a Bundle: it is serialised in full.
    (mixed.entry as Array<Record<string, unknown>>)[1]!.resource = { ...versions[1]!.resource, status: 'inactive' };
    for (let round = 0; round < 2; round++) {
      for (const resource of [versions[0]!.resource, versions[2]!.resource, searchsetBundle(versions, 'http://h', 'http://h/Consent'), historyBundle(versions, 'http://h', 'http://h/_history'), mixed]) {
        expect(serializeForWire(resource, format)).toBe(serializeResource(resource, format));
      }
    }
  });
});
