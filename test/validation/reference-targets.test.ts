/** Every literal reference form that points to the right type passes; forms that name no type are not judged. */
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/validation/index.js';
import { applyPatch, readResource, validator } from './support.js';

const consent = applyPatch(readResource('fixtures/consent/Consent-Example-1.json'), [
  { op: 'replace', path: '/purpose/0/system', value: 'http://snomed.info/sct' },
  { op: 'replace', path: '/extension/0/valueCodeableConcept/coding/0/display', value: 'Online Process' },
]);

describe('reference target types', () => {
  for (const reference of [
    'Patient/6105551234',
    'Patient/6105551234/_history/2',
    'https://demographics.spineservices.nhs.uk/STU3/Patient/6105551234',
    'http://example.org/fhir/Patient/p-1/_history/7',
    'urn:uuid:0353e505-f7be-4c20-8f4e-337e79a32c51',
    'https://example.org/some/opaque/identifier',
  ]) {
    it(`${reference} is accepted for Reference(Patient)`, () => {
      const resource = applyPatch(consent, [{ op: 'replace', path: '/patient/reference', value: reference }]);
      expect(validator().validate(resource, PROFILES.consent)).toEqual([]);
    });
  }
  it('a Practitioner reference is refused for Reference(Patient)', () => {
    const resource = applyPatch(consent, [{ op: 'replace', path: '/patient/reference', value: 'Practitioner/1/_history/1' }]);
    expect(validator().validate(resource, PROFILES.consent).map((i) => i.rule)).toEqual(['reference-type']);
  });
});
