/**
 * The compiled-validator cache (src/validation/compiled-cache.ts): a second validator loads what
 * the first compiled, any change to what the code depends on is a miss, and a damaged or
 * unwritable cache costs time, never a wrong answer. That loaded validators give exactly the
 * issues of compiled ones is shown on every input by issue-differential.test.ts.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createValidator, DEFAULT_PROFILE_DIR, PROFILES } from '../../src/validation/index.js';
import { validatorCacheKey } from '../../src/validation/compiled-cache.js';
import { applyPatch, readResource } from './support.js';

const scratch: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ndop-validator-cache-'));
  scratch.push(dir);
  return dir;
};
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const consent = readResource('fixtures/consent/Consent-Example-1.json');
const wrongStatus = applyPatch(consent, [{ op: 'replace', path: '/status', value: 'not-a-status' }]);
const issuesOf = (validator: ReturnType<typeof createValidator>) => [consent, wrongStatus].map((r) => validator.validate(r, PROFILES.consent));

describe('compiled validator cache', () => {
  it('loads a validator compiled by an earlier one without compiling any schema', () => {
    const cacheDir = tempDir();
    const first = createValidator({ cacheDir });
    expect(first.loadedFromCache()).toBe(false);
    expect(first.schemaCompilations()).toBe(first.profiles().length + 3);
    expect(readdirSync(cacheDir).sort()).toEqual([`${validatorCacheKey(DEFAULT_PROFILE_DIR)}.js`, `${validatorCacheKey(DEFAULT_PROFILE_DIR)}.json`]);

    const compile = vi.spyOn(Ajv.prototype, 'compile');
    const second = createValidator({ cacheDir });
    expect(second.loadedFromCache()).toBe(true);
    expect(second.schemaCompilations()).toBe(0);
    expect(compile).not.toHaveBeenCalled();
    expect(second.profiles()).toEqual(first.profiles());
    expect(issuesOf(second)).toEqual(issuesOf(first));
    expect(issuesOf(second)[1]!.filter((i) => i.severity === 'error').map((i) => i.location)).toEqual(['Consent.status']);
  });

  it('compiles a nested resource type the cache does not hold, once', () => {
    const cacheDir = tempDir();
    createValidator({ cacheDir });
    const loaded = createValidator({ cacheDir });
    const withPatient = applyPatch(consent, [
      { op: 'add', path: '/contained', value: [{ resourceType: 'Patient', id: 'p1', gender: 'nonsense' }] },
      { op: 'replace', path: '/consentingParty/0/reference', value: '#p1' },
    ]);
    const issues = loaded.validate(withPatient);
    for (let i = 0; i < 20; i++) loaded.validate(withPatient);
    expect(loaded.schemaCompilations()).toBe(1);
    expect(issues).toEqual(createValidator({ cacheDir: false }).validate(withPatient));
    expect(issues.some((i) => i.location.startsWith('Consent.contained[0]'))).toBe(true);
  });

  it('misses when a profile changes, and validates by the changed profile', () => {
    const profileDir = tempDir();
    cpSync(DEFAULT_PROFILE_DIR, profileDir, { recursive: true });
    const cacheDir = tempDir();
    createValidator({ profileDir, cacheDir });
    const before = validatorCacheKey(profileDir);
    // NDOP-OptOutSource-1 loses code OP: Consent-Example-1's source code is then not in the value set.
    const codeSystem = readdirSync(join(profileDir, 'CodeSystems')).find((f) => f.includes('OptOutSource'))!;
    const path = join(profileDir, 'CodeSystems', codeSystem);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/<code value="OP"\s*\/>/, '<code value="OQ"/>'));
    expect(validatorCacheKey(profileDir)).not.toBe(before);
    const changed = createValidator({ profileDir, cacheDir });
    expect(changed.loadedFromCache()).toBe(false);
    expect(changed.validate(consent, PROFILES.consent).some((i) => i.severity === 'error' && i.rule === 'binding' && i.message.includes("Code 'OP'"))).toBe(true);
  });

  it('compiles again over a damaged entry and replaces it', () => {
    const cacheDir = tempDir();
    const expected = issuesOf(createValidator({ cacheDir }));
    const code = join(cacheDir, `${validatorCacheKey(DEFAULT_PROFILE_DIR)}.js`);
    writeFileSync(code, readFileSync(code, 'utf8').slice(0, 5000));
    const recovered = createValidator({ cacheDir });
    expect(recovered.loadedFromCache()).toBe(false);
    expect(issuesOf(recovered)).toEqual(expected);
    expect(createValidator({ cacheDir }).loadedFromCache()).toBe(true);
  });

  it('works without a usable cache folder', () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const validator = createValidator({ cacheDir: file });
    expect(validator.loadedFromCache()).toBe(false);
    expect(issuesOf(validator)).toEqual(issuesOf(createValidator({ cacheDir: false })));
  });
});
