/**
 * Profiles are compiled once, when the validator is created (or loaded compiled from the cache,
 * compiled-cache.test.ts); FHIRPath invariants once each, when first evaluated; validating the
 * same resources again compiles nothing.
 */
import { Ajv } from 'ajv';
import fhirpath from 'fhirpath';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createValidator, PROFILES } from '../../src/validation/index.js';
import { applyPatch, readResource } from './support.js';

afterEach(() => vi.restoreAllMocks());

describe('compilation', () => {
  it('compiles each profile once, each invariant it evaluates once, and nothing more while validating 1000 resources', () => {
    const schemaCompile = vi.spyOn(Ajv.prototype, 'compile');
    const fhirpathCompile = vi.spyOn(fhirpath, 'compile');
    const validator = createValidator({ cacheDir: false });
    const compiledSchemas = schemaCompile.mock.calls.length;
    // Two profiles plus the base schemas of Bundle, OperationOutcome and Consent.
    expect(compiledSchemas).toBe(validator.profiles().length + 3);
    expect(validator.schemaCompilations()).toBe(compiledSchemas);
    expect(fhirpathCompile).not.toHaveBeenCalled();

    const consent = readResource('fixtures/consent/Consent-Example-1.json');
    // Base Consent (no meta.profile) with a backwards period: per-1 runs through fhirpath.
    const backwardsPeriod = applyPatch(consent, [
      { op: 'remove', path: '/meta' },
      { op: 'add', path: '/period', value: { start: '2018-01-02', end: '2018-01-01' } },
    ]);
    expect(validator.validate(backwardsPeriod).map((i) => i.rule)).toEqual(['invariant:per-1']);
    expect(fhirpathCompile.mock.calls.length).toBeGreaterThan(0);
    const outcome = readResource('test/validation/guide-examples/Spine-OperationOutcome-1-Example-1.json');
    const bundle = readResource('test/validation/guide-examples/NDOP-Bundle-Searchset-Example-2.json');
    const validateAll = (): number =>
      validator.validate(consent, PROFILES.consent).length +
      validator.validate(backwardsPeriod).length +
      validator.validate(outcome, PROFILES.operationOutcome).length +
      validator.validate(bundle).length;
    // The first round compiles the invariants these resources reach, each once.
    validateAll();
    const compiledExpressions = fhirpathCompile.mock.calls.length;
    expect(validator.invariantCompilations()).toBe(compiledExpressions);
    expect(new Set(fhirpathCompile.mock.calls.map(([expression]) => JSON.stringify(expression))).size).toBe(compiledExpressions);
    let issues = 0;
    for (let i = 0; i < 250; i++) issues += validateAll();
    expect(issues).toBeGreaterThan(0);
    expect(schemaCompile.mock.calls.length).toBe(compiledSchemas);
    expect(fhirpathCompile.mock.calls.length).toBe(compiledExpressions);
  });

  it('compiles a base resource type first met in a nested resource once', () => {
    const validator = createValidator({ cacheDir: false });
    const before = validator.schemaCompilations();
    const withPatient = applyPatch(readResource('fixtures/consent/Consent-Example-1.json'), [
      { op: 'add', path: '/contained', value: [{ resourceType: 'Patient', id: 'p1' }] },
      { op: 'replace', path: '/consentingParty/0/reference', value: '#p1' },
    ]);
    for (let i = 0; i < 100; i++) validator.validate(withPatient);
    expect(validator.schemaCompilations()).toBe(before + 1);
  });
});
