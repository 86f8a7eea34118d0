/** Bad input gets a clear error or issue naming where and why, never a crash. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createValidator, PROFILES } from '../../src/validation/index.js';
import { validator } from './support.js';

describe('bad input', () => {
  it('a missing profile folder names the folder', () => {
    const dir = join(tmpdir(), 'ndop-assure-no-such-folder');
    expect(() => createValidator({ profileDir: dir })).toThrow(`Cannot read the profile folder ${dir}`);
  });

  it('an unreadable profile file names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndop-profiles-'));
    writeFileSync(join(dir, 'Broken.xml'), '<StructureDefinition xmlns="http://hl7.org/fhir"><url value="x"/>');
    expect(() => createValidator({ profileDir: dir })).toThrow(/^Broken\.xml: not a readable FHIR XML resource/);
  });

  it('a resource of another kind in the profile folder names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndop-profiles-'));
    writeFileSync(join(dir, 'Patient.xml'), '<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>');
    expect(() => createValidator({ profileDir: dir })).toThrow('Patient.xml: expected a StructureDefinition, CodeSystem or ValueSet, found Patient');
  });

  it('an unknown profile url is a programming error that lists the known ones', () => {
    expect(() => validator().validate({ resourceType: 'Consent' }, 'https://example.org/StructureDefinition/Nope')).toThrow(PROFILES.consent);
  });

  it('a value that is not a resource object is one type issue', () => {
    expect(validator().validate(null as never).map((i) => [i.location, i.rule])).toEqual([['(resource)', 'type']]);
    expect(validator().validate([] as never).map((i) => i.rule)).toEqual(['type']);
  });

  it('an unknown resourceType is one type issue', () => {
    expect(validator().validate({ resourceType: 'Opt-out' }).map((i) => [i.location, i.rule])).toEqual([['Opt-out', 'type']]);
  });

  it('a profile in meta.profile that the validator does not hold is noted, and base STU3 still applies', () => {
    const issues = validator().validate({ resourceType: 'Consent', meta: { profile: ['https://example.org/StructureDefinition/Other'] }, status: 'active', patient: { reference: 'Patient/1' }, policyRule: 'https://example.org/r' });
    expect(issues.map((i) => [i.severity, i.location, i.rule])).toEqual([['information', 'Consent.meta.profile', 'profile']]);
  });
});
