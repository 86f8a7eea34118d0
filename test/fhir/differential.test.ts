/**
 * Differential test against FHIR.js: the same inputs (the guide's examples and generated Consents)
 * must convert to the same content. Where FHIR.js is the one that is wrong, a focused test below
 * shows it and names the rule of the FHIR or XML specification that decides.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FhirFormatError, parseJson, parseXml, toXml, type Resource } from '../../src/fhir/index.js';
import { consentArbitrary } from './consent-arbitrary.js';
import { exampleFiles } from './examples.js';
import { loadOracle, comparable, type Oracle } from './fhirjs-oracle.js';
import known from './guide-example-defects.json' with { type: 'json' };

let oracle: Oracle;
beforeAll(() => {
  oracle = loadOracle();
});

const files = exampleFiles();
const defective = new Set(known.defective.map((d) => d.file));
const wellFormed = files.filter((f) => !defective.has(f.name));
const example = (name: string) => files.find((f) => f.name === name)!.text;

/** FHIR.js's reading of an XML document, as plain JSON without comments. */
function theirRead(xml: string): unknown {
  return comparable(JSON.parse(JSON.stringify(oracle.xmlToObj(xml))));
}

describe('differential: the codec and FHIR.js agree', () => {
  describe.each(wellFormed.filter((f) => f.format === 'xml').map((f) => [f.name, f] as const))('%s', (_name, file) => {
    it('XML → JSON gives the same content', () => {
      expect(parseXml(file.text)).toEqual(theirRead(file.text));
    });
  });

  describe.each(wellFormed.filter((f) => f.format === 'json').map((f) => [f.name, f] as const))('%s', (_name, file) => {
    it('JSON → XML gives the same content, whichever converter reads the XML back', () => {
      const ours = toXml(parseJson(file.text));
      const theirs = oracle.jsonToXml(file.text);
      expect(parseXml(ours)).toEqual(parseXml(theirs));
      expect(theirRead(ours)).toEqual(theirRead(theirs));
      expect(parseXml(ours)).toEqual(parseJson(file.text));
    });
  });

  it('generated Consents convert the same way in both directions', () => {
    fc.assert(
      fc.property(consentArbitrary({ avoidFhirJsFaults: true }), (consent) => {
        const ours = toXml(consent as Resource);
        const theirs = oracle.objToXml(consent);
        expect(parseXml(theirs)).toEqual(consent);
        expect(theirRead(ours)).toEqual(consent);
        expect(parseXml(ours)).toEqual(consent);
      }),
      { numRuns: 150 },
    );
  });
});

describe('where FHIR.js is wrong and the codec is right', () => {
  it('a tab in a value: FHIR.js writes it raw in the attribute, which XML reads as a space (XML 1.0 §3.3.3)', () => {
    const consent = { resourceType: 'Consent', status: 'active', extension: [{ url: 'http://example.org/x', valueString: 'a\tb' }] };
    const theirs = oracle.objToXml(consent);
    expect(theirs).toContain('<valueString value="a\tb"/>');
    // Attribute-value normalisation replaces a literal tab by a space: the value is changed.
    expect(parseXml(theirs).extension).toEqual([{ url: 'http://example.org/x', valueString: 'a b' }]);
    // The codec writes a character reference, which every XML reader (FHIR.js included) reads as a tab.
    const ours = toXml(consent);
    expect(ours).toContain('<valueString value="a&#9;b"/>');
    expect(theirRead(ours)).toEqual(consent);
  });

  it('an escaped "&" in the narrative: FHIR.js unescapes it once more, changing the text (XHTML "&amp;amp;" reads "&amp;")', () => {
    const div = '<div xmlns="http://www.w3.org/1999/xhtml"><p>write &amp;amp; for &amp;</p></div>';
    const consent = { resourceType: 'Consent', status: 'active', text: { status: 'generated', div } };
    // The paragraph's text is "write &amp; for &"; FHIR.js makes it "write & for &".
    expect(oracle.objToXml(consent)).toContain('<p>write &amp; for &amp;</p>');
    expect(theirRead(toXml(consent))).toMatchObject({ text: { div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>write &amp; for &amp;</p></div>' } });
    // The codec keeps the markup as it is, in both directions.
    expect(toXml(consent)).toContain(`<text><status value="generated"/>${div}</text>`);
    expect(parseXml(toXml(consent))).toEqual(consent);
  });

  it('whitespace between narrative elements: FHIR.js drops it, running words together (XHTML mixed content keeps it)', () => {
    const div = '<div xmlns="http://www.w3.org/1999/xhtml"><b>Opted</b> <i>out</i></div>';
    const consent = { resourceType: 'Consent', status: 'active', text: { status: 'generated', div } };
    expect(oracle.objToXml(consent)).toContain('<b>Opted</b><i>out</i>');
    expect(theirRead(toXml(consent))).toMatchObject({ text: { div: '<div xmlns="http://www.w3.org/1999/xhtml"><b>Opted</b><i>out</i></div>' } });
    expect(toXml(consent)).toContain(div);
    expect(parseXml(toXml(consent))).toEqual(consent);
  });

  it('a repeating primitive with extensions and no values: FHIR.js drops it (FHIR JSON: "_profile" alone is valid)', () => {
    const consent = { resourceType: 'Consent', status: 'active', meta: { _profile: [{ id: 'p1', extension: [{ url: 'http://example.org/why', valueCode: 'masked' }] }] } };
    expect(oracle.objToXml(consent)).not.toContain('<meta>');
    // Reading the codec's XML back, FHIR.js invents an empty "profile" array, which FHIR JSON does not allow.
    expect(theirRead(toXml(consent))).toMatchObject({ meta: { profile: [] } });
    expect(toXml(consent)).toContain('<meta><profile id="p1"><extension url="http://example.org/why"><valueCode value="masked"/></extension></profile></meta>');
    expect(parseXml(toXml(consent))).toEqual(consent);
  });

  it('a repeating primitive where one item has no value: FHIR.js reads the _ array out of step (FHIR JSON: parallel arrays with null)', () => {
    const consent = {
      resourceType: 'Consent',
      status: 'active',
      meta: { profile: [null, 'http://example.org/b'], _profile: [{ extension: [{ url: 'http://example.org/why', valueCode: 'masked' }] }, null] },
    };
    const xml = toXml(consent);
    expect(xml).toContain('<meta><profile><extension url="http://example.org/why"><valueCode value="masked"/></extension></profile><profile value="http://example.org/b"/></meta>');
    // FHIR.js puts the first item's extension on the second item's value.
    expect(theirRead(xml)).toMatchObject({ meta: { profile: ['http://example.org/b'], _profile: [{ extension: [{ url: 'http://example.org/why' }] }] } });
    expect(parseXml(xml)).toEqual(consent);
  });

  it('a repeating primitive whose last item has no extension: FHIR.js leaves the trailing null out of the _ array', () => {
    const consent = {
      resourceType: 'Consent',
      status: 'active',
      meta: { profile: ['http://example.org/a', 'http://example.org/b'], _profile: [{ extension: [{ url: 'http://example.org/why', valueCode: 'masked' }] }, null] },
    };
    const raw = JSON.parse(JSON.stringify(oracle.xmlToObj(toXml(consent)))) as { meta: { _profile: unknown[] } };
    expect(raw.meta._profile).toHaveLength(1);
    expect(parseXml(toXml(consent))).toEqual(consent);
    expect(() => parseJson(JSON.stringify(raw))).toThrowError(new FhirFormatError('Consent.meta._profile', 'must have as many items as profile (1 vs 2)'));
  });

  it('an element STU3 does not define: FHIR.js drops it silently, the codec names it (FHIR: unknown elements are an error)', () => {
    const text = example('Audit/Practitioner1b.json');
    expect(JSON.parse(text).practitionerRole).toBeDefined();
    expect(theirRead(oracle.jsonToXml(text))).not.toHaveProperty('practitionerRole');
    expect(() => parseJson(text)).toThrowError(new FhirFormatError('Practitioner.practitionerRole', 'unknown element (STU3 Practitioner has no "practitionerRole")'));
  });

  it('a document outside the FHIR namespace: FHIR.js reads it, the codec rejects it (FHIR XML: elements are in http://hl7.org/fhir)', () => {
    const text = example('Spine-OperationOutcome-1-Example-1.xml');
    expect(theirRead(text)).toMatchObject({ resourceType: 'OperationOutcome' });
    expect(() => parseXml(text)).toThrowError(FhirFormatError);
  });

  it('text between elements: FHIR.js ignores the stray "**", the codec rejects it (FHIR XML has no text content outside the narrative)', () => {
    const text = example('NDOP-Bundle-Searchset-Example-2.xml');
    expect(theirRead(text)).toMatchObject({ resourceType: 'Bundle', total: 1 });
    expect(() => parseXml(text)).toThrowError(new FhirFormatError('Bundle', 'text content is not allowed in a FHIR element (found "**")'));
  });
});
