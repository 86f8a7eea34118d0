/** Property: whatever bytes arrive, the parsers answer with a resource or a FhirFormatError, never another exception. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FhirFormatError, parseJson, parseXml, toJson, toXml, type Resource } from '../../src/fhir/index.js';
import { consentArbitrary } from './consent-arbitrary.js';

function outcome(run: () => unknown): 'parsed' | 'rejected' {
  try {
    run();
    return 'parsed';
  } catch (error) {
    if (error instanceof FhirFormatError) {
      expect(error.reason.length).toBeGreaterThan(0);
      expect(error.path.length).toBeGreaterThan(0);
      return 'rejected';
    }
    throw error;
  }
}

/** A document damaged at a few places: characters deleted, or markup characters inserted. */
const damaged = (toText: (r: Resource) => string) =>
  fc
    .tuple(
      consentArbitrary().map((c) => toText(c as Resource)),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', '<', '>', '/', '"', '&', '{', '}', '[', ']', ',', ':', 'x', '<!--', ']]>', '<a>')), { minLength: 1, maxLength: 4 }),
    )
    .map(([text, edits]) => {
      let out = text;
      for (const [at, remove, insert] of edits) {
        const i = at % (out.length + 1);
        out = out.slice(0, i) + insert + out.slice(i + remove);
      }
      return out;
    });

describe('parsers never crash', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        outcome(() => parseXml(text));
        outcome(() => parseJson(text));
      }),
      { numRuns: 500 },
    );
  });

  it('on damaged XML', () => {
    fc.assert(fc.property(damaged((r) => toXml(r)), (text) => void outcome(() => parseXml(text))), { numRuns: 400 });
  });

  it('on damaged JSON', () => {
    fc.assert(fc.property(damaged((r) => toJson(r)), (text) => void outcome(() => parseJson(text))), { numRuns: 400 });
  });

  it('on JSON of any shape', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('Consent', 'Bundle', 'Patient'), (value, resourceType) => {
        const document = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value, resourceType } : value;
        outcome(() => parseJson(JSON.stringify(document)));
        outcome(() => toXml(document as Resource));
      }),
      { numRuns: 500 },
    );
  });
});
