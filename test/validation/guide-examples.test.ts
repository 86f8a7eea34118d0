/**
 * The guide's examples against their profiles: valid where the guide is right, and exactly the
 * documented findings where it is not (guide-example-findings.yaml says why each is genuine).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROFILES } from '../../src/validation/index.js';
import { brief, readResource, validator } from './support.js';

interface Finding {
  severity: string;
  location: string;
  rule: string;
  why: string;
}
interface Example {
  file: string;
  profile: keyof typeof PROFILES | null;
  expected: Finding[];
}
const { examples }: { examples: Example[] } = parse(readFileSync(new URL('guide-example-findings.yaml', import.meta.url), 'utf8'));

describe('guide examples', () => {
  for (const ex of examples) {
    it(`${ex.file} gives exactly its documented findings`, () => {
      const resource = readResource(ex.file);
      const expected = brief(ex.expected);
      expect(brief(validator().validate(resource))).toEqual(expected);
      if (ex.profile) expect(brief(validator().validate(resource, PROFILES[ex.profile]))).toEqual(expected);
      expect(expected.filter((f) => f.severity === 'error')).toEqual([]);
    });
  }

  it('each searchset entry is checked against NDOP-Consent-1 on its own too', () => {
    const bundle = readResource('test/validation/guide-examples/NDOP-Bundle-Searchset-Example-2.json') as { entry?: { resource: never }[] };
    const entries = bundle.entry ?? [];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(brief(validator().validate(entry.resource, PROFILES.consent))).toEqual([
        { severity: 'warning', location: 'Consent.extension[0].valueCodeableConcept.coding[0].display', rule: 'binding' },
      ]);
    }
  });

  it('a searchset entry that breaks the base model is reported at its Bundle location', () => {
    const bundle = readResource('test/validation/guide-examples/NDOP-Bundle-Searchset-Example-2.json') as unknown as { entry: { resource: Record<string, unknown> }[] };
    bundle.entry[0]!.resource.status = 'opted-out';
    const issues = validator().validate(bundle as never);
    expect(brief(issues)).toContainEqual({ severity: 'error', location: 'Bundle.entry[0].resource.status', rule: 'binding' });
  });
});
