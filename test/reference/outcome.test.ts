/** The error catalogue and the OperationOutcomes built from it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeResource, parseResource } from '../../src/fhir/index.js';
import { ERROR_CATALOGUE, buildOperationOutcome } from '../../src/reference/index.js';
import { loadSpineErrorDisplays } from '../../src/reference/outcome.js';
import { PROFILES } from '../../src/validation/index.js';
import { FORMATS, errorsOf } from './helpers.js';

describe('error catalogue', () => {
  const displays = loadSpineErrorDisplays();

  it('reads the 45 codes of Spine-ErrorOrWarningCode-1 from profiles/', () => {
    expect(displays.size).toBe(45);
    expect(displays.get('MSG_RESOURCE_ID_FAIL')).toBe('Client is not permitted to assign an id');
    expect(displays.get('DUPLICATE_REJECTED')).toBe('Create would lead to creation of a duplicate resource');
  });

  it.each(Object.keys(ERROR_CATALOGUE))('%s builds a valid Spine-OperationOutcome-1 in both formats', (key) => {
    const entry = ERROR_CATALOGUE[key]!;
    const outcome = buildOperationOutcome(key, `diagnostics for ${key}`, [{ diagnostics: 'Consent.status: detail', location: 'Consent.status' }]);
    for (const format of FORMATS) {
      const roundTripped = parseResource(serializeResource(outcome, format), format);
      expect(errorsOf(roundTripped, PROFILES.operationOutcome)).toEqual([]);
    }
    const issues = outcome.issue as Array<{ code: string; details: { coding: Array<{ code: string; display: string }> } }>;
    expect(issues).toHaveLength(2);
    for (const issue of issues) {
      expect(issue.code).toBe(entry.code);
      expect(issue.details.coding[0]).toMatchObject({ code: entry.details, display: displays.get(entry.details) });
    }
  });

  it('names the folder when the code system is missing, and the file when it is not the right one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ndop-profiles-'));
    expect(() => loadSpineErrorDisplays(empty)).toThrow(/no CodeSystem-Spine-ErrorOrWarningCode-1/);
    writeFileSync(join(empty, 'CodeSystem-Spine-ErrorOrWarningCode-1.json'), JSON.stringify({ resourceType: 'CodeSystem', url: 'http://example.org/other', status: 'draft', content: 'complete' }));
    expect(() => loadSpineErrorDisplays(empty)).toThrow(/CodeSystem-Spine-ErrorOrWarningCode-1\.json: expected the CodeSystem/);
  });
});
