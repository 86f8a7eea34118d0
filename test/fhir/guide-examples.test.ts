/**
 * Every example in the guide either round-trips through both formats without change, or is a
 * known defect that the codec rejects with a precise error. XML/JSON twins are compared too.
 */
import { readFileSync } from 'node:fs';
import { formatErrorOf } from '../support/format-error.js';
import { describe, expect, it } from 'vitest';
import { parseResource, serializeResource, type Format, type Resource } from '../../src/fhir/index.js';
import { exampleFiles } from './examples.js';
import { jsonDifferences } from './json-diff.js';

interface Defect {
  file: string;
  defect: string;
  path: string;
  reason?: string;
  reasonPrefix?: string;
}
interface TwinDifference {
  path: string;
  xml?: unknown;
  json?: unknown;
}
interface Twins {
  xml: string;
  json: string;
  note?: string;
  differences: TwinDifference[];
}
const known = JSON.parse(readFileSync(new URL('./guide-example-defects.json', import.meta.url), 'utf8')) as {
  defective: Defect[];
  twinDifferences: Twins[];
};

const files = exampleFiles();
const defective = new Map(known.defective.map((d) => [d.file, d]));
const wellFormed = files.filter((f) => !defective.has(f.name));
const other = (format: Format): Format => (format === 'xml' ? 'json' : 'xml');

/** Parses in one format, writes the other, parses that and writes back: each step must keep the content. */
function roundTrip(text: string, format: Format, pretty: boolean): { first: Resource; viaOther: Resource; back: Resource } {
  const first = parseResource(text, format);
  const viaOther = parseResource(serializeResource(first, other(format), { pretty }), other(format));
  const back = parseResource(serializeResource(viaOther, format, { pretty }), format);
  return { first, viaOther, back };
}

const rejection = (text: string, format: Format) => formatErrorOf(() => parseResource(text, format));

describe('guide examples', () => {
  it('finds the examples (XML, JSON, Audit/ and variants/)', () => {
    const names = files.map((f) => f.name);
    expect(names.some((n) => n.startsWith('Audit/'))).toBe(true);
    expect(names.some((n) => n.startsWith('variants/'))).toBe(true);
    for (const d of known.defective) expect(names).toContain(d.file);
    expect(wellFormed.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(wellFormed.map((f) => [f.name, f] as const))('%s', (_name, file) => {
    it.each([false, true])(`round-trips ${file.format} → ${other(file.format)} → ${file.format} (pretty=%s)`, (pretty) => {
      const { first, viaOther, back } = roundTrip(file.text, file.format, pretty);
      expect(viaOther).toEqual(first);
      expect(back).toEqual(first);
      expect(first.resourceType).toMatch(/^[A-Z][A-Za-z]+$/);
    });
  });

  describe.each(known.defective.map((d) => [d.file, d] as const))('defective %s', (file, defect) => {
    it(`is rejected: ${defect.defect}`, () => {
      const example = files.find((f) => f.name === file)!;
      const error = rejection(example.text, example.format);
      expect(error.path).toBe(defect.path);
      if (defect.reason !== undefined) expect(error.reason).toBe(defect.reason);
      if (defect.reasonPrefix !== undefined) expect(error.reason.startsWith(defect.reasonPrefix)).toBe(true);
      expect(defect.reason ?? defect.reasonPrefix).toBeDefined();
      expect(error.message).toBe(`${error.path}: ${error.reason}`);
    });
  });

  it('lists every well-formed XML/JSON twin pair in the data file', () => {
    const pairs = wellFormed
      .filter((f) => f.format === 'xml' && wellFormed.some((g) => g.name === f.name.replace(/\.xml$/, '.json')))
      .map((f) => f.name)
      .sort();
    expect(known.twinDifferences.map((t) => t.xml).sort()).toEqual(pairs);
  });

  describe.each(known.twinDifferences.map((t) => [t.xml, t] as const))('twins %s', (_xml, twins) => {
    it(`parse to the same JSON except for the guide's own differences${twins.note ? ` (${twins.note})` : ''}`, () => {
      const read = (name: string, format: Format) => parseResource(files.find((f) => f.name === name)!.text, format);
      const found = jsonDifferences(read(twins.xml, 'xml'), read(twins.json, 'json')).map((d) => ({
        path: d.path,
        ...(d.left === undefined ? {} : { xml: d.left }),
        ...(d.right === undefined ? {} : { json: d.right }),
      }));
      expect(found).toEqual(twins.differences);
    });
  });
});
