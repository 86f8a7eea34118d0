/**
 * Each constraint of NDOP-Consent-1 and Spine-OperationOutcome-1, broken one at a time: the
 * validator reports exactly the expected issues. Cases are data (constraint-cases.yaml).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROFILES } from '../../src/validation/index.js';
import type { Resource } from '../../src/fhir/index.js';
import { applyPatch, brief, matching, readResource, throughFormat, validator, type Format, type PatchOp } from './support.js';

interface ExpectedIssue {
  severity: string;
  location: string;
  rule: string;
  message: string;
}
interface Case {
  description: string;
  base: string;
  profile: keyof typeof PROFILES;
  patch: PatchOp[];
  formats?: Format[];
  expected: ExpectedIssue[];
}
interface CaseFile {
  bases: Record<string, { description: string; file: string; patch: PatchOp[] }>;
  cases: Case[];
}

const data: CaseFile = parse(readFileSync(new URL('constraint-cases.yaml', import.meta.url), 'utf8'));
const bases = new Map(Object.entries(data.bases).map(([key, b]) => [key, applyPatch(readResource(b.file), b.patch)]));

function baseOf(c: Case): Resource {
  const base = bases.get(c.base);
  if (!base) throw new Error(`constraint-cases.yaml: case "${c.description}" names unknown base ${c.base}`);
  return base;
}

describe('case file', () => {
  it('has unique descriptions, known profiles and at least one expected issue per case', () => {
    const descriptions = data.cases.map((c) => c.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    for (const c of data.cases) {
      expect(PROFILES[c.profile], c.description).toBeDefined();
      expect(c.expected.length, c.description).toBeGreaterThan(0);
    }
  });
});

describe('bases are valid against their profile', () => {
  for (const [key, profile] of [['consent', PROFILES.consent], ['operationOutcome', PROFILES.operationOutcome]] as const) {
    for (const format of ['json', 'xml'] as const) {
      it(`${key} (${format})`, () => {
        expect(validator().validate(throughFormat(bases.get(key)!, format), profile)).toEqual([]);
      });
    }
  }
});

describe('one broken constraint gives exactly the expected issues', () => {
  for (const c of data.cases) {
    for (const format of c.formats ?? (['json', 'xml'] as const)) {
      it(`${c.description} (${format})`, () => {
        const resource = throughFormat(applyPatch(baseOf(c), c.patch), format);
        const issues = validator().validate(resource, PROFILES[c.profile]);
        expect(brief(issues)).toEqual(brief(c.expected));
        for (const e of c.expected) expect(matching(issues, e)?.message).toContain(e.message);
      });
    }
  }
});
