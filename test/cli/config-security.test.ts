/**
 * The security settings through the usual layers (command line > environment > file > defaults):
 * audit JWT, Spine headers, ODS code, TLS, writes and opt-in suites; bad values name their source and
 * never show a secret; files are checked before a run starts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, loadConfigFile } from '../../src/config/config-file.js';
import { resolveRunOptions } from '../../src/config/run-options.js';
import { settingsToEnv } from '../../src/config/settings-env.js';
import { DEFAULT_SETTINGS, SettingsError, settingsFromEnv } from '../../src/config/settings.js';
import { makeTestPki } from '../support/certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'ndop-config-security-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const rsaKey = file('jwt.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

describe('security defaults', () => {
  it('unsigned JWT in Authorization, the guide’s audience and example ASID, X26, no writes beyond loopback, no opt-in suites', () => {
    const s = settingsFromEnv({});
    expect(s.jwt).toEqual({ mode: 'unsigned', header: 'Authorization', algorithm: 'RS256', claims: {} });
    expect(s.spine).toEqual({ interactionIds: {}, headers: {} });
    expect([s.odsCode, s.allowWrites, s.optIn, s.tls]).toEqual(['X26', false, [], { passphraseEnv: 'NDOP_TLS_PASSPHRASE' }]);
  });
});

describe('security settings from NDOP_* variables', () => {
  it('reads every variable; relative paths are taken from the working directory', () => {
    const s = settingsFromEnv({
      NDOP_JWT: 'signed', NDOP_JWT_HEADER: 'Ssp-Authorization', NDOP_JWT_ALGORITHM: 'ES256', NDOP_JWT_KEY_FILE: 'keys/jwt.pem', NDOP_JWT_KEY_ID: 'k1',
      NDOP_JWT_CLAIMS: '{"iss":"https://supplier.example","scope":null}', NDOP_ODS_CODE: 'A12345', NDOP_SSP_FROM: '918999198738', NDOP_SSP_TO: '928942012545',
      NDOP_INTERACTION_IDS: '{"create":"urn:x:create"}', NDOP_EXTRA_HEADERS: '{"X-Gateway-Key":"k"}', NDOP_TLS_CERT: 'c.pem', NDOP_TLS_KEY: '/abs/k.pem',
      NDOP_TLS_PFX: 'p.p12', NDOP_TLS_CA: 'ca.pem', NDOP_TLS_SERVERNAME: 'ndop.example', NDOP_TLS_PASSPHRASE_ENV: 'MY_P12_PASS', NDOP_ALLOW_WRITES: 'true',
      NDOP_OPT_IN: 'security, other',
    });
    expect(s.jwt).toEqual({ mode: 'signed', header: 'Ssp-Authorization', algorithm: 'ES256', keyFile: join(process.cwd(), 'keys/jwt.pem'), keyId: 'k1', claims: { iss: 'https://supplier.example', scope: null } });
    expect(s.spine).toEqual({ from: '918999198738', to: '928942012545', interactionIds: { create: 'urn:x:create' }, headers: { 'X-Gateway-Key': 'k' } });
    expect(s.tls).toEqual({ cert: join(process.cwd(), 'c.pem'), key: '/abs/k.pem', pfx: join(process.cwd(), 'p.p12'), ca: join(process.cwd(), 'ca.pem'), servername: 'ndop.example', passphraseEnv: 'MY_P12_PASS' });
    expect([s.odsCode, s.allowWrites, s.optIn]).toEqual(['A12345', true, ['security', 'other']]);
  });

  it.each([
    [{ NDOP_JWT: 'hmac' }, 'NDOP_JWT: "hmac" is not one of unsigned, signed, off'],
    [{ NDOP_JWT_HEADER: 'X-Token' }, 'NDOP_JWT_HEADER: "X-Token" is not one of Authorization, Ssp-Authorization'],
    [{ NDOP_JWT_ALGORITHM: 'HS256' }, 'NDOP_JWT_ALGORITHM: "HS256" is not one of RS256, ES256'],
    [{ NDOP_SSP_FROM: 'abc' }, 'NDOP_SSP_FROM: "abc" is not an ASID (digits)'],
    [{ NDOP_ODS_CODE: 'X' }, 'NDOP_ODS_CODE: "X" is not an ODS code'],
    [{ NDOP_ALLOW_WRITES: 'perhaps' }, 'NDOP_ALLOW_WRITES: "perhaps" is not true or false'],
    [{ NDOP_INTERACTION_IDS: '{"delete":"x"}' }, 'NDOP_INTERACTION_IDS: "delete" is not an interaction (metadata, search-type, create, update, vread, history-instance, history-type)'],
    [{ NDOP_EXTRA_HEADERS: '["a"]' }, 'NDOP_EXTRA_HEADERS: must be a JSON object'],
    [{ NDOP_EXTRA_HEADERS: '{"X-Key": 5}' }, 'NDOP_EXTRA_HEADERS: the value of X-Key must be a string'],
  ])('a bad value names the variable (%j)', (env, message) => {
    expect(() => settingsFromEnv(env)).toThrow(new SettingsError(message));
  });

  it('does not repeat a secret from malformed JSON', () => {
    expect(() => settingsFromEnv({ NDOP_EXTRA_HEADERS: '{"X-Key": "s3cr3t-value" oops}' })).toThrow(/^NDOP_EXTRA_HEADERS: not valid JSON/);
    try {
      settingsFromEnv({ NDOP_EXTRA_HEADERS: '{"X-Key": "s3cr3t-value" oops}' });
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cr3t');
    }
  });

  it('survive the trip to the vitest workers unchanged', () => {
    const settings = settingsFromEnv({
      NDOP_JWT: 'signed', NDOP_JWT_HEADER: 'Ssp-Authorization', NDOP_JWT_KEY_FILE: rsaKey, NDOP_JWT_KEY_ID: 'k', NDOP_JWT_CLAIMS: '{"requesting_user":"u"}',
      NDOP_SSP_FROM: '1', NDOP_SSP_TO: '2', NDOP_INTERACTION_IDS: '{"vread":"v"}', NDOP_EXTRA_HEADERS: '{"X-A":"b"}', NDOP_TLS_CA: '/ca.pem',
      NDOP_TLS_SERVERNAME: 'n', NDOP_ALLOW_WRITES: '1', NDOP_OPT_IN: 'security', NDOP_ODS_CODE: 'B86016',
    });
    expect(settingsFromEnv(settingsToEnv(settings), DEFAULT_SETTINGS)).toEqual(settings);
  });
});

describe('security keys in the configuration file', () => {
  it('reads them; paths are relative to the file', () => {
    mkdirSync(join(dir, 'env'), { recursive: true });
    const config = file('env/int.yaml', [
      'allowWrites: true', 'optIn: [security]', 'odsCode: A12345',
      'jwt: { mode: signed, header: Ssp-Authorization, keyFile: ../jwt.pem, claims: { iss: "https://supplier.example" } }',
      'spine: { from: "918999198738", to: "928942012545", interactionIds: { create: "urn:x:create" }, headers: { X-Gateway-Key: k } }',
      'tls: { ca: ../ca.pem, servername: ndop.example }', '',
    ].join('\n'));
    writeFileSync(join(dir, 'ca.pem'), readFileSync(makeTestPki().ca));
    const s = resolveRunOptions({ config }, {}).settings;
    expect(s.jwt).toEqual({ mode: 'signed', header: 'Ssp-Authorization', algorithm: 'RS256', keyFile: rsaKey, claims: { iss: 'https://supplier.example' } });
    expect(s.spine).toEqual({ from: '918999198738', to: '928942012545', interactionIds: { create: 'urn:x:create' }, headers: { 'X-Gateway-Key': 'k' } });
    expect(s.tls).toEqual({ passphraseEnv: 'NDOP_TLS_PASSPHRASE', ca: join(dir, 'ca.pem'), servername: 'ndop.example' });
    expect([s.allowWrites, s.optIn, s.odsCode]).toEqual([true, ['security'], 'A12345']);
  });

  it('names an unknown nested key and the keys known there', () => {
    const path = file('nested.yaml', 'jwt: { mode: unsigned, hedaer: Authorization }\n');
    expect(() => loadConfigFile(path)).toThrow(ConfigFileError);
    expect(() => loadConfigFile(path)).toThrow(/\/jwt: unknown key "hedaer" \(known keys: mode, header, algorithm, keyFile, keyId, claims\)/);
    expect(() => loadConfigFile(file('ids.yaml', 'spine: { interactionIds: { delete: x } }\n'))).toThrow(/ids\.yaml: \/spine\/interactionIds: key "delete" is not one of metadata, search-type, create, update, vread, history-instance, history-type$/);
  });

  it('lets the environment override the file and the command line override both', () => {
    const config = file('writes.yaml', 'allowWrites: false\noptIn: [security]\n');
    expect(resolveRunOptions({ config }, {}).settings.allowWrites).toBe(false);
    expect(resolveRunOptions({ config }, { NDOP_ALLOW_WRITES: 'true' }).settings.allowWrites).toBe(true);
    expect(resolveRunOptions({ config, allowWrites: true }, { NDOP_ALLOW_WRITES: 'false' }).settings.allowWrites).toBe(true);
    expect(resolveRunOptions({ config }, { NDOP_OPT_IN: '' }).settings.optIn).toEqual([]);
    expect(resolveRunOptions({ config, optIn: 'security,x' }, {}).settings.optIn).toEqual(['security', 'x']);
  });
});

describe('files are checked before a run starts', () => {
  it('a signed JWT needs a usable key of the right type', () => {
    expect(() => resolveRunOptions({}, { NDOP_JWT: 'signed' })).toThrow(new SettingsError('jwt: mode "signed" needs a key file (jwt.keyFile / NDOP_JWT_KEY_FILE)'));
    expect(() => resolveRunOptions({}, { NDOP_JWT: 'signed', NDOP_JWT_KEY_FILE: rsaKey, NDOP_JWT_ALGORITHM: 'ES256' })).toThrow(/^jwt\.keyFile: .*ES256 needs an EC/);
    expect(resolveRunOptions({}, { NDOP_JWT: 'signed', NDOP_JWT_KEY_FILE: rsaKey }).settings.jwt.keyFile).toBe(rsaKey);
  });

  it('a TLS file that cannot be read is a settings error naming the setting and the file', () => {
    expect(() => resolveRunOptions({}, { NDOP_TLS_CA: join(dir, 'nope.pem') })).toThrow(SettingsError);
    expect(() => resolveRunOptions({}, { NDOP_TLS_CA: join(dir, 'nope.pem') })).toThrow(/^tls\.ca: the CA bundle .*nope\.pem cannot be read \(ENOENT\)/);
  });
});
