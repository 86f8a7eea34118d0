/** Each kind of bad input gives a FhirFormatError whose path and reason say where and why (cases in error-cases.json). */
import { readFileSync } from 'node:fs';
import { formatErrorOf as failure } from '../support/format-error.js';
import { describe, expect, it } from 'vitest';
import { parseJson, parseXml, toJson, toXml, type Resource } from '../../src/fhir/index.js';

interface ErrorCase {
  description: string;
  operation: 'parseXml' | 'parseJson' | 'toXml' | 'toJson';
  input: unknown;
  path: string;
  reason?: string;
  reasonPrefix?: string;
  line?: number;
  column?: number;
}
const { cases } = JSON.parse(readFileSync(new URL('./error-cases.json', import.meta.url), 'utf8')) as { cases: ErrorCase[] };

const operations: Record<ErrorCase['operation'], (input: unknown) => unknown> = {
  parseXml: (input) => parseXml(input as string),
  parseJson: (input) => parseJson(input as string),
  toXml: (input) => toXml(input as Resource),
  toJson: (input) => toJson(input as Resource),
};

describe('codec errors', () => {
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_description, c) => {
    const error = failure(() => operations[c.operation](c.input));
    expect(error.path).toBe(c.path);
    expect(c.reason ?? c.reasonPrefix).toBeDefined();
    if (c.reason !== undefined) expect(error.reason).toBe(c.reason);
    if (c.reasonPrefix !== undefined) expect(error.reason.startsWith(c.reasonPrefix), error.reason).toBe(true);
    if (c.line !== undefined) expect(error.line).toBe(c.line);
    if (c.column !== undefined) expect(error.column).toBe(c.column);
    expect(error.message).toBe(`${c.path}: ${error.reason}`);
    expect(error.name).toBe('FhirFormatError');
  });

  it('absurdly deep nesting is a FhirFormatError, not a crash', () => {
    const depth = 20_000;
    const json = `{"resourceType":"Consent","extension":[${'{"url":"u","extension":['.repeat(depth)}{"url":"u","valueString":"x"}${']}'.repeat(depth)}]}`;
    const xml = `<Consent xmlns="http://hl7.org/fhir">${'<extension url="u">'.repeat(depth)}${'</extension>'.repeat(depth)}</Consent>`;
    for (const run of [() => parseJson(json), () => parseXml(xml)]) {
      const error = failure(run);
      expect(error.path).toBe('(document)');
      expect(error.reason).toMatch(/nested too deeply|Maximum nested tags/);
    }
  });
});
