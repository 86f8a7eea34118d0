import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsError, settingsFromEnv } from '../../src/config/settings.js';

describe('engine settings from NDOP_* variables', () => {
  it('defaults: both formats, http SNOMED system, one Consent per patient, no target', () => {
    const s = settingsFromEnv({});
    expect(s).toEqual(DEFAULT_SETTINGS);
    expect(s.targetUrl).toBeUndefined();
  });

  it('reads every variable', () => {
    const s = settingsFromEnv({
      NDOP_TARGET_URL: 'https://example.test/fhir/', NDOP_FORMAT: 'xml', NDOP_CONNECT_TIMEOUT: '500', NDOP_BODY_TIMEOUT: '700',
      NDOP_EVIDENCE_BODY_LIMIT: '100', NDOP_FIXED_PATIENTS: '9990000018, 9990000026', NDOP_SNOMED_SYSTEM: 'https://snomed.info/sct',
      NDOP_MAX_CONSENTS_PER_PATIENT: '2', NDOP_SECRET_HEADERS: 'X-Api-Key',
    });
    expect(s).toEqual({
      ...DEFAULT_SETTINGS,
      targetUrl: 'https://example.test/fhir', formats: ['xml'], connectTimeoutMs: 500, bodyTimeoutMs: 700, evidenceBodyLimit: 100,
      fixedPatients: ['9990000018', '9990000026'], snomedSystem: 'https://snomed.info/sct', maxConsentsPerPatient: 2, secretHeaders: ['X-Api-Key'],
    });
  });

  it.each([
    [{ NDOP_TARGET_URL: 'ftp://x' }, 'NDOP_TARGET_URL: "ftp://x" is not an http(s) URL'],
    [{ NDOP_FORMAT: 'yaml' }, 'NDOP_FORMAT: format "yaml" is not one of xml, json, both'],
    [{ NDOP_TIMEOUT: '-1' }, 'NDOP_TIMEOUT: "-1" is not a positive whole number'],
    [{ NDOP_MAX_CONSENTS_PER_PATIENT: 'one' }, 'NDOP_MAX_CONSENTS_PER_PATIENT: "one" is not a positive whole number'],
  ])('a bad value names the variable (%j)', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(new SettingsError(message));
  });
});
