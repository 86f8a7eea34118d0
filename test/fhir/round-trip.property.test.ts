/** Property: any generated Consent survives JSON→XML→JSON and XML→JSON→XML unchanged, in both layouts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson, parseXml, toJson, toXml, type Resource } from '../../src/fhir/index.js';
import { consentArbitrary } from './consent-arbitrary.js';

const consents = consentArbitrary({ avoidFhirJsFaults: false });

describe('round trips of generated Consents', () => {
  it('JSON → XML → JSON keeps every value', () => {
    fc.assert(
      fc.property(consents, fc.boolean(), (consent, pretty) => {
        const resource = parseJson(JSON.stringify(consent));
        expect(resource).toEqual(consent);
        const xml = toXml(resource, { pretty });
        expect(parseXml(xml)).toEqual(consent);
        expect(JSON.parse(toJson(parseXml(xml), { pretty }))).toEqual(consent);
      }),
      { numRuns: 300 },
    );
  });

  it('XML → JSON → XML gives back the same XML', () => {
    fc.assert(
      fc.property(consents, fc.boolean(), (consent, pretty) => {
        const xml = toXml(consent as Resource, { pretty });
        const json = toJson(parseXml(xml), { pretty });
        expect(toXml(parseJson(json), { pretty })).toBe(xml);
      }),
      { numRuns: 300 },
    );
  });

  it('JSON output is in the model order whatever order the input had', () => {
    fc.assert(
      fc.property(consents, (consent) => {
        const reversed = Object.fromEntries(Object.entries(consent).reverse());
        expect(toJson(reversed as Resource)).toBe(toJson(consent as Resource));
        expect(toXml(reversed as Resource)).toBe(toXml(consent as Resource));
        expect(Object.keys(JSON.parse(toJson(consent as Resource)))[0]).toBe('resourceType');
      }),
      { numRuns: 100 },
    );
  });
});
