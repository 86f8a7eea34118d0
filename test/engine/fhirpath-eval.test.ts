/** FHIRPath evaluation for assertions and captures: each expression parsed once, results per resource, errors reported. */
import fhirpath from 'fhirpath';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluate } from '../../src/engine/fhirpath-eval.js';

afterEach(() => vi.restoreAllMocks());

const consent = (status: string) => ({ resourceType: 'Consent', status, patient: { reference: 'Patient/9434765919' } });

describe('FHIRPath evaluation', () => {
  it('parses an expression once and evaluates it on each resource it is given', () => {
    const compile = vi.spyOn(fhirpath, 'compile');
    const expression = "Consent.status = 'active' and Consent.patient.reference.startsWith('Patient/') /* once */";
    expect(evaluate(consent('active'), expression)).toEqual({ ok: true, value: [true] });
    expect(evaluate(consent('inactive'), expression)).toEqual({ ok: true, value: [false] });
    expect(evaluate(consent('active'), expression)).toEqual({ ok: true, value: [true] });
    expect(compile.mock.calls.filter(([path]) => path === expression)).toHaveLength(1);
  });

  it('reports an expression that does not parse, naming it, every time it is used', () => {
    const broken = 'Consent.status = (';
    for (let i = 0; i < 2; i++) {
      const result = evaluate(consent('active'), broken);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/^FHIRPath "Consent\.status = \(" cannot be evaluated: .+/);
    }
  });

  it('reports an expression that fails on a resource without keeping the failure for the next', () => {
    // A function of a collection applied to several items fails only when the data has several.
    const expression = 'Consent.extension.url.startsWith(\'https\')';
    const several = { ...consent('active'), extension: [{ url: 'https://a' }, { url: 'https://b' }] };
    const one = { ...consent('active'), extension: [{ url: 'https://a' }] };
    expect(evaluate(several, expression).ok).toBe(false);
    expect(evaluate(one, expression)).toEqual({ ok: true, value: [true] });
  });
});
