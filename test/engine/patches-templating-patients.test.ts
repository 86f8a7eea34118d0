import { describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../../src/fhir/nhs-number.js';
import { PatientSource, applyPatches, PatchError } from '../../src/engine/index.js';
import { renderString, renderValue, referencedRoots, TemplateError } from '../../src/engine/templating.js';

describe('patches', () => {
  const base = { resourceType: 'Consent', status: 'active', purpose: [{ system: 'a', code: '1' }], extension: [{ url: 'x' }] };

  it('sets, removes and appends by JSON Pointer without touching the input', () => {
    const out = applyPatches(base, [
      { op: 'set', path: '/status', value: 'inactive' },
      { op: 'set', path: '/purpose/0/system', value: 'b' },
      { op: 'set', path: '/meta/versionId', value: '1' },
      { op: 'append', path: '/extension', value: { url: 'y' } },
      { op: 'remove', path: '/purpose' },
    ]);
    expect(out).toEqual({ resourceType: 'Consent', status: 'inactive', extension: [{ url: 'x' }, { url: 'y' }], meta: { versionId: '1' } });
    expect(base.status).toBe('active');
  });

  it.each([
    [{ op: 'remove' as const, path: '/nothing' }, '/nothing: nothing to remove'],
    [{ op: 'set' as const, path: '/purpose/5/code', value: 'x' }, '/purpose/5/code: no array item 5'],
    [{ op: 'append' as const, path: '/status', value: 'x' }, '/status: append needs an array'],
    [{ op: 'set' as const, path: '/status/x', value: 'x' }, '/status/x: "status" is not an object or array'],
  ])('an op that cannot apply names its pointer (%j)', (op, message) => {
    expect(() => applyPatches(base, [op])).toThrow(new PatchError(message));
  });
});

describe('templating', () => {
  const vars = { patient: { ref: 'https://x/Patient/9990000018' }, created: { id: 'abc' }, n: 2 };

  it('renders placeholders in strings and nested values', () => {
    expect(renderString('/Consent/{{created.id}}?n={{ n }}', vars)).toBe('/Consent/abc?n=2');
    expect(renderValue({ a: ['{{patient.ref}}'], b: 3 }, vars)).toEqual({ a: ['https://x/Patient/9990000018'], b: 3 });
  });

  it('refuses an undefined variable by name', () => {
    expect(() => renderString('{{created.versionId}}', vars)).toThrow(new TemplateError('template variable {{created.versionId}} is not defined'));
  });

  it('lists the roots a value refers to', () => {
    expect([...referencedRoots({ p: '{{a.b}}/{{c}}', q: ['{{a.d}}'] })].sort()).toEqual(['a', 'c']);
  });
});

describe('patients', () => {
  it('hands out valid, distinct 999-range numbers', () => {
    const source = new PatientSource({ seed: 123 });
    const numbers = Array.from({ length: 500 }, () => source.fresh().nhsNumber);
    expect(new Set(numbers).size).toBe(500);
    for (const n of numbers) {
      expect(n).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(n)).toBe(true);
    }
  });

  it('wraps around the end of the range and still gives valid numbers', () => {
    const source = new PatientSource({ seed: 999_998 });
    const numbers = Array.from({ length: 5 }, () => source.fresh().nhsNumber);
    expect(numbers.every(isValidNhsNumber)).toBe(true);
    expect(numbers.some((n) => n.startsWith('999000'))).toBe(true);
  });

  it('without a seed, sources made at the same moment do not share a sequence (crypto randomness, not the clock)', () => {
    // The clock seed gave every source made within the same 5 ms the same first number; random draws of 5
    // collide with a chance of about 1 in 100 000.
    const firsts = Array.from({ length: 5 }, () => new PatientSource().fresh().nhsNumber);
    expect(new Set(firsts).size).toBe(5);
    const source = new PatientSource();
    const numbers = Array.from({ length: 2_000 }, () => source.fresh().nhsNumber);
    expect(new Set(numbers).size).toBe(2_000);
    expect(numbers.every(isValidNhsNumber)).toBe(true);
  });

  it('gives the PDS reference the guide uses', () => {
    const p = new PatientSource({ fixed: ['9990000018'] }).fresh();
    expect(p).toEqual({ nhsNumber: '9990000018', ref: 'https://demographics.spineservices.nhs.uk/STU3/Patient/9990000018' });
  });

  it('reuses fixed numbers and refuses an invalid one', () => {
    const source = new PatientSource({ fixed: ['9990000018', '9990000026'] });
    expect([source.fresh(), source.fresh(), source.fresh()].map((p) => p.nhsNumber)).toEqual(['9990000018', '9990000026', '9990000018']);
    expect(() => new PatientSource({ fixed: ['9990000019'] })).toThrow(/not a valid NHS number/);
  });

  it('makes invalid numbers that fail Modulus 11', () => {
    const source = new PatientSource({ seed: 42 });
    for (let i = 0; i < 50; i++) {
      const n = source.invalidNumber();
      expect(n).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(n)).toBe(false);
    }
  });
});
