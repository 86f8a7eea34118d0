/** Repeated property names are found however the text spells them, and text that only looks like a name is not one. */
import { formatErrorOf } from '../support/format-error.js';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/fhir/index.js';

const failure = (text: string) => formatErrorOf(() => parseJson(text));

describe('repeated property names in JSON', () => {
  it('are found when the repeat is spelled with an escape', () => {
    const error = failure('{"resourceType":"Consent","status":"active","st\\u0061tus":"inactive"}');
    expect(error.path).toBe('Consent.status');
    expect(error.reason).toContain('appears twice');
  });

  it('are found in a nested object, with white space around the colons', () => {
    const error = failure('{ "resourceType" : "Consent",\n "patient" : { "reference" : "a" ,\r\n\t"reference" : "b" } }');
    expect(error.path).toBe('Consent.patient.reference');
  });

  it('are not seen in string values holding quotes, colons and backslashes', () => {
    const consent = parseJson('{"resourceType":"Consent","status":"active","language":"x\\\\\\":\\"status\\":"}');
    expect(consent.language).toBe('x\\":"status":');
  });
});
