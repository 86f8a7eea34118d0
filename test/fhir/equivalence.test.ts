/** The FHIR XML ↔ JSON mapping rules, one small document each (cases in equivalence-cases.json). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJson, parseXml, toJson, toXml, type Resource } from '../../src/fhir/index.js';

interface EquivalenceCase {
  description: string;
  xml: string;
  json: Resource;
  /** What parseJson gives for `json` when it differs (a normalised form). */
  jsonRead?: Resource;
  /** JSON text to parse instead of JSON.stringify(json). */
  jsonText?: string;
  xmlOut?: string;
  jsonOut?: string;
}
const { cases } = JSON.parse(readFileSync(new URL('./equivalence-cases.json', import.meta.url), 'utf8')) as { cases: EquivalenceCase[] };

describe('XML ↔ JSON mapping', () => {
  describe.each(cases.map((c) => [c.description, c] as const))('%s', (_description, c) => {
    const expected = c.jsonRead ?? c.json;
    it('XML parses to the JSON', () => {
      expect(parseXml(c.xml)).toEqual(expected);
    });
    it('JSON parses and writes XML that means the same', () => {
      const read = parseJson(c.jsonText ?? JSON.stringify(c.json));
      expect(read).toEqual(expected);
      const xml = toXml(read);
      if (c.xmlOut !== undefined) expect(xml).toBe(c.xmlOut);
      expect(parseXml(xml)).toEqual(expected);
      expect(parseXml(toXml(read, { pretty: true }))).toEqual(expected);
    });
    it('JSON output is FHIR JSON in model order', () => {
      const out = toJson(parseXml(c.xml));
      if (c.jsonOut !== undefined) expect(out).toBe(c.jsonOut);
      expect(Object.keys(JSON.parse(out))[0]).toBe('resourceType');
      expect(JSON.parse(out)).toEqual(expected);
    });
  });
});
