/** The guide's own example Consents, as copied into fixtures/consent, against the server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import { MIME, PDS, call, expectOutcome, expectValidConsent, fixtureText, parseBody, syntheticNhsNumber } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startReferenceServer();
});
afterAll(() => server.close());

const GUIDE_PATIENT = `${PDS}6105551234`;
const post = (text: string, format: 'json' | 'xml') => call(server.url, 'POST', '/Consent', { headers: { 'content-type': MIME[format], accept: MIME[format] }, body: text });

describe('guide examples', () => {
  it.each(['xml', 'json'] as const)('Consent-Example-1.%s is created as published, and again for a fresh patient', async (format) => {
    const text = fixtureText(`Consent-Example-1.${format}`);
    const first = await post(text.replaceAll(GUIDE_PATIENT, PDS + syntheticNhsNumber()), format);
    expect(first.status, first.text).toBe(201);
    expectValidConsent(parseBody(first));
  });

  it('the published patient 6105551234 can be stored but not searched: its NHS number fails Modulus 11', async () => {
    const created = await post(fixtureText('Consent-Example-1.json'), 'json');
    expect(created.status, created.text).toBe(201);
    const search = await call(server.url, 'GET', `/Consent?patient=${GUIDE_PATIENT}`);
    expectOutcome(search, { status: 400, code: 'value', details: 'INVALID_NHS_NUMBER' });
  });

  it.each(['xml', 'json'] as const)('Consent-Example-2.%s is refused: its proxy extension url is not the profile’s consentingProxyRole', async (format) => {
    const text = fixtureText(`Consent-Example-2.${format}`).replaceAll(GUIDE_PATIENT, PDS + syntheticNhsNumber());
    const outcome = expectOutcome(await post(text, format), { status: 422, code: 'business-rule', details: 'INVALID_RESOURCE' }, format);
    expect(JSON.stringify(outcome)).toContain('Extension-NDOP-ProxyRole-1');
  });

  it.each(['xml', 'json'] as const)('Consent-Example-2.%s with the extension url of NDOP-Consent-1 is created (display "Contact Centre" is only a warning)', async (format) => {
    const text = fixtureText(`Consent-Example-2.${format}`)
      .replaceAll(GUIDE_PATIENT, PDS + syntheticNhsNumber())
      .replaceAll('StructureDefinition/Extension-NDOP-Proxy-1', 'StructureDefinition/Extension-NDOP-ProxyRole-1');
    const res = await post(text, format);
    expect(res.status, res.text).toBe(201);
    expectValidConsent(parseBody(res));
  });
});
