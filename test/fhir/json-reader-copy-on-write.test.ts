/** The JSON reader copies only what differs from model order: normal input comes back as it is, other input is never changed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseResource, parseJson } from '../../src/fhir/json-reader.js';
import { toJson } from '../../src/fhir/index.js';

const example = readFileSync(new URL('../../fixtures/consent/Consent-Example-1.json', import.meta.url), 'utf8');

describe('normaliseResource copy on write', () => {
  it('returns a resource already in model order as it is, and serialises it without change', () => {
    const parsed = JSON.parse(example) as Record<string, unknown>;
    const normal = normaliseResource(parsed, undefined);
    expect(normal).toBe(parsed);
    expect(normaliseResource(normal, undefined)).toBe(normal);
    expect(toJson(normal)).toBe(JSON.stringify(parsed));
  });

  it('copies only the objects that differ and leaves the input untouched', () => {
    const input = JSON.parse(example) as { [key: string]: unknown; patient: object; policy: unknown[] };
    // status after patient, resourceType last, a comment in meta: the root and meta differ, patient and policy do not.
    const { resourceType, status, ...rest } = input;
    const shuffled = { ...rest, status, meta: { fhir_comments: ['note'], ...(input.meta as object) }, resourceType };
    const before = JSON.stringify(shuffled);
    const normal = normaliseResource(shuffled, undefined) as Record<string, unknown>;
    expect(JSON.stringify(shuffled)).toBe(before);
    expect(normal).not.toBe(shuffled);
    expect(Object.keys(normal)).toEqual(Object.keys(parseJson(example)));
    expect(normal.meta).not.toBe(shuffled.meta);
    expect(normal.patient).toBe(input.patient);
    expect(normal.policy).toBe(input.policy);
    expect(JSON.stringify(normal)).toBe(toJson(parseJson(example)));
  });

  it('puts a _name partner that comes before its value after it', () => {
    const input = { resourceType: 'Consent', _status: { id: 's' }, status: 'active' };
    const normal = normaliseResource(input, undefined);
    expect(normal).not.toBe(input);
    expect(Object.keys(normal)).toEqual(['resourceType', 'status', '_status']);
    expect(normaliseResource(normal, undefined)).toBe(normal);
  });
});
