/** The audit JWT: claims per request, unsigned by default, signed with a configured RS256/ES256 key. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { auditClaims, authorizationValue, encodeJwt, expiredOverrides, loadSigningKey } from '../../src/spine/jwt.js';

const requester = { asid: '918999198738', odsCode: 'A12345' };
const NOW = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'ndop-jwt-'));

describe('audit JWT claims', () => {
  it('carries the mandatory claims, exp = iat + 5 minutes and the requesting system and organisation', () => {
    const claims = auditClaims({ interaction: 'search-type', patientRef: 'https://demographics.spineservices.nhs.uk/STU3/Patient/9990000018' }, requester, {}, {}, NOW);
    expect(claims).toMatchObject({
      iss: 'https://ndop-assure.local',
      sub: 'https://fhir.nhs.uk/Id/ods-organization-code|A12345',
      aud: 'https://clinicals.spineservices.nhs.uk',
      iat: NOW,
      exp: NOW + 300,
      reason_for_request: 'patientaccess',
      requesting_system: 'https://fhir.nhs.uk/Id/accredited-system|918999198738',
      requesting_organization: 'https://fhir.nhs.uk/Id/ods-organization-code|A12345',
      requested_record: { resourceType: 'Consent', patient: [{ reference: 'https://demographics.spineservices.nhs.uk/STU3/Patient/9990000018' }] },
    });
  });

  it.each([
    ['create', 'consent/*.create'],
    ['update', 'consent/*.update'],
    ['search-type', 'consent/*.read'],
    ['vread', 'consent/*.read'],
    ['history-type', 'consent/*.read'],
    ['metadata', 'consent/*.read'],
  ] as const)('asks for the scope of the interaction: %s → %s (in requested_scopes and scope)', (interaction, scope) => {
    const claims = auditClaims({ interaction }, requester, {}, {}, NOW);
    expect(claims.requested_scopes).toBe(scope);
    expect(claims.scope).toBe(scope);
  });

  it('is a new token each time: a fresh jti, and iat from the clock', () => {
    const a = auditClaims({ interaction: 'create' }, requester);
    const b = auditClaims({ interaction: 'create' }, requester);
    expect(a.jti).not.toBe(b.jti);
    expect(Math.abs(a.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('applies configured claims, then the scenario’s; null removes a claim', () => {
    const claims = auditClaims(
      { interaction: 'create' },
      requester,
      { iss: 'https://supplier.example', requesting_user: 'https://fhir.nhs.uk/Id/sds-role-profile-id|555', scope: null },
      { aud: 'https://elsewhere.example', iss: 'https://scenario.example' },
      NOW,
    );
    expect(claims.iss).toBe('https://scenario.example');
    expect(claims.aud).toBe('https://elsewhere.example');
    expect(claims.requesting_user).toBe('https://fhir.nhs.uk/Id/sds-role-profile-id|555');
    expect(claims).not.toHaveProperty('scope');
    expect(claims.requested_scopes).toBe('consent/*.create');
  });

  it('makes an expired token: issued ten minutes ago, expired five minutes ago', () => {
    expect(expiredOverrides(NOW)).toEqual({ iat: NOW - 600, exp: NOW - 300 });
  });
});

describe('encoding', () => {
  it('is unsigned by default: header {"alg":"none","typ":"JWT"}, the claims, and an empty signature', async () => {
    const claims = auditClaims({ interaction: 'create' }, requester);
    const token = await encodeJwt(claims);
    expect(token.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: 'JWT' });
    expect(UnsecuredJWT.decode(token).payload).toEqual(claims);
  });

  it.each([
    ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ] as const)('signs with a configured %s key, verifiable with its public key', async (algorithm, generate) => {
    const pair = generate();
    const keyFile = join(dir, `${algorithm}.pem`);
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const claims = auditClaims({ interaction: 'update' }, requester);
    const token = await encodeJwt(claims, { algorithm, key: loadSigningKey(keyFile, algorithm), keyId: 'k1' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: algorithm, typ: 'JWT', kid: 'k1' });
    const { payload } = await jwtVerify(token, pair.publicKey, { audience: 'https://clinicals.spineservices.nhs.uk' });
    expect(payload.requested_scopes).toBe('consent/*.update');
  });

  it('refuses a key that does not fit the algorithm, or no key at all, naming the file', () => {
    const rsa = join(dir, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => loadSigningKey(rsa, 'ES256')).toThrow(`${rsa}: ES256 needs an EC prime256v1 (P-256) key, but this is rsa`);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(() => loadSigningKey(junk, 'RS256')).toThrow(`${junk}: not a PEM private key`);
    expect(() => loadSigningKey(join(dir, 'missing.pem'), 'RS256')).toThrow(/missing\.pem: the JWT signing key cannot be read \(ENOENT\)/);
  });

  it('puts the token in the configured header: Bearer in Authorization, bare in Ssp-Authorization', () => {
    expect(authorizationValue('Authorization', 'a.b.')).toBe('Bearer a.b.');
    expect(authorizationValue('Ssp-Authorization', 'a.b.')).toBe('a.b.');
  });
});
