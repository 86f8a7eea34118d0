/**
 * `--require-jwt`: the reference server answers a missing, malformed, expired, wrong-audience or
 * wrong-scope audit JWT with 4xx and a Spine-OperationOutcome-1, and serves a good one.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import { auditClaims, authorizationValue, encodeJwt, expiredOverrides, MALFORMED_JWT, type ClaimOverrides } from '../../src/spine/jwt.js';
import type { SpineInteraction } from '../../src/spine/interactions.js';
import { body, consentFor, expectOutcome, MIME, PDS, syntheticNhsNumber } from './helpers.js';

const requester = { asid: '200000000205', odsCode: 'X26' };
const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

let open: RunningServer;
let signedOnly: RunningServer;

beforeAll(async () => {
  open = await startReferenceServer({ port: 0, requireJwt: {} });
  signedOnly = await startReferenceServer({ port: 0, requireJwt: { verifyKey: keys.publicKey, audience: 'https://ndop.test.example' } });
});
afterAll(async () => {
  await open?.close();
  await signedOnly?.close();
});

async function tokenFor(interaction: SpineInteraction, overrides: ClaimOverrides = {}, sign = false): Promise<string> {
  return encodeJwt(auditClaims({ interaction }, requester, {}, overrides), sign ? { algorithm: 'ES256', key: keys.privateKey } : undefined);
}

async function call(server: RunningServer, method: string, path: string, headers: Record<string, string>, payload?: string) {
  const res = await fetch(server.url + path, { method, headers: { accept: MIME.json, ...(payload ? { 'content-type': MIME.json } : {}), ...headers }, body: payload });
  const responseHeaders: Record<string, string> = {};
  res.headers.forEach((value, name) => (responseHeaders[name] = value));
  return { status: res.status, text: await res.text(), headers: responseHeaders };
}

const search = () => `/Consent?patient=${PDS}${syntheticNhsNumber()}`;

describe('reference server with --require-jwt', () => {
  it('serves a request with a good unsigned token in Authorization: Bearer or in Ssp-Authorization', async () => {
    expect((await call(open, 'GET', search(), { authorization: authorizationValue('Authorization', await tokenFor('search-type')) })).status).toBe(200);
    expect((await call(open, 'GET', search(), { 'ssp-authorization': authorizationValue('Ssp-Authorization', await tokenFor('search-type')) })).status).toBe(200);
    const created = await call(open, 'POST', '/Consent', { authorization: `Bearer ${await tokenFor('create')}` }, body(consentFor(), 'json'));
    expect(created.status).toBe(201);
  });

  it('rejects a request without a token: 401, MISSING_OR_INVALID_HEADER, WWW-Authenticate: Bearer', async () => {
    const res = await call(open, 'GET', '/metadata', {});
    expectOutcome(res, { status: 401, code: 'login', details: 'MISSING_OR_INVALID_HEADER' });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('rejects a token that is not a JWT: 400 BAD_REQUEST', async () => {
    expectOutcome(await call(open, 'GET', search(), { authorization: `Bearer ${MALFORMED_JWT}` }), { status: 400, code: 'invalid', details: 'BAD_REQUEST' });
  });

  it('rejects a token without a mandatory claim, or living longer than five minutes: 400 BAD_REQUEST', async () => {
    const noSystem = await call(open, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', { requesting_system: null })}` });
    expect(expectOutcome(noSystem, { status: 400, code: 'invalid', details: 'BAD_REQUEST' }).issue).toMatchObject([{ diagnostics: expect.stringContaining('requesting_system') }]);
    const now = Math.floor(Date.now() / 1000);
    const long = await call(open, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', { iat: now, exp: now + 3600 })}` });
    expectOutcome(long, { status: 400, code: 'invalid', details: 'BAD_REQUEST' });
  });

  it('rejects an expired token: 401 ACCESS DENIED', async () => {
    expectOutcome(await call(open, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', expiredOverrides())}` }), { status: 401, code: 'expired', details: 'ACCESS DENIED' });
  });

  it('rejects a token for another audience: 401 ACCESS DENIED', async () => {
    const res = await call(open, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', { aud: 'https://elsewhere.example' })}` });
    expectOutcome(res, { status: 401, code: 'security', details: 'ACCESS DENIED' });
  });

  it('rejects a scope that does not match the interaction: 403 ACCESS DENIED, and nothing is created', async () => {
    const nhs = syntheticNhsNumber();
    const readScope = await tokenFor('search-type');
    const res = await call(open, 'POST', '/Consent', { authorization: `Bearer ${readScope}` }, body(consentFor(nhs), 'json'));
    expectOutcome(res, { status: 403, code: 'forbidden', details: 'ACCESS DENIED' });
    const after = await call(open, 'GET', `/Consent?patient=${PDS}${nhs}`, { authorization: `Bearer ${readScope}` });
    expect(JSON.parse(after.text).total).toBe(0);
    const oneWrong = await call(open, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', { scope: 'consent/*.update' })}` });
    expect(oneWrong.status).toBe(403);
  });

  it('never repeats the token in its answer', async () => {
    const token = await tokenFor('search-type', { aud: 'https://elsewhere.example' });
    const res = await call(open, 'GET', search(), { authorization: `Bearer ${token}` });
    expect(res.text).not.toContain(token.split('.')[1]);
  });

  it('with a verification key, wants tokens signed with it and for its audience', async () => {
    const aud = { aud: 'https://ndop.test.example' };
    expect((await call(signedOnly, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', aud, true)}` })).status).toBe(200);
    const unsigned = await call(signedOnly, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', aud)}` });
    expectOutcome(unsigned, { status: 401, code: 'security', details: 'ACCESS DENIED' });
    const defaultAudience = await call(signedOnly, 'GET', search(), { authorization: `Bearer ${await tokenFor('search-type', {}, true)}` });
    expect(defaultAudience.status).toBe(401);
  });

  it('leaves a server without --require-jwt open', async () => {
    const plain = await startReferenceServer({ port: 0 });
    try {
      expect((await call(plain, 'GET', search(), {})).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
