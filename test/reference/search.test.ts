/** GET [base]/Consent?... in both formats. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import type { Resource } from '../../src/fhir/index.js';
import { FORMATS, MIME, PDS, call, consentFor, created, expectOutcome, expectValidConsent, parseBody, syntheticNhsNumber } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startReferenceServer({ log: (line) => line.startsWith('internal') && console.error(line) });
});
afterAll(() => server.close());

interface Entry {
  fullUrl: string;
  resource: Resource;
  search: { mode: string };
}

describe.each(FORMATS)('search (%s)', (format) => {
  const get = (path: string) => call(server.url, 'GET', path, { headers: { accept: MIME[format] } });

  it('returns an empty searchset with total 0 and a self link for a patient without Consent', async () => {
    const path = `/Consent?patient=${PDS}${syntheticNhsNumber()}`;
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`${MIME[format]}; charset=utf-8`);
    const bundle = parseBody(res);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0, link: [{ relation: 'self', url: server.url + path }] });
    expect(bundle.entry).toBeUndefined();
  });

  it('finds the current version of the patient’s Consent, with fullUrl and search mode match', async () => {
    const nhs = syntheticNhsNumber();
    const { id } = await created(server.url, consentFor(nhs), format);
    const bundle = parseBody(await get(`/Consent?patient=${PDS}${nhs}`));
    expect(bundle.total).toBe(1);
    const entry = (bundle.entry as Entry[])[0]!;
    expect(entry.fullUrl).toBe(`${server.url}/Consent/${id}`);
    expect(entry.search).toEqual({ mode: 'match' });
    expectValidConsent(entry.resource);
  });

  it('filters by _id (alone or with patient), purpose and category tokens', async () => {
    const nhs = syntheticNhsNumber();
    const { id } = await created(server.url, consentFor(nhs), format);
    const total = async (query: string) => parseBody(await get(`/Consent?${query}`)).total;
    expect(await total(`_id=${id}`)).toBe(1);
    expect(await total(`_id=${id}&patient=${PDS}${nhs}`)).toBe(1);
    expect(await total(`_id=${id}&patient=${PDS}${syntheticNhsNumber()}`)).toBe(0);
    expect(await total(`patient=${PDS}${nhs}&purpose=370856009`)).toBe(1);
    expect(await total(`patient=${PDS}${nhs}&purpose=http://snomed.info/sct|370856009`)).toBe(1);
    expect(await total(`patient=${PDS}${nhs}&purpose=${encodeURIComponent('https://snomed.info/sct|370856009')}`)).toBe(1);
    expect(await total(`patient=${PDS}${nhs}&purpose=123456`)).toBe(0);
    expect(await total(`patient=${PDS}${nhs}&category=NDOP`)).toBe(0);
    const { id: withCategory } = await created(server.url, consentFor(syntheticNhsNumber(), (c) => {
      c.category = [{ coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/NDOP-OptOutCategory-1', code: 'NDOP', display: 'National Data Opt-out' }] }];
    }), format);
    expect(await total(`_id=${withCategory}&category=https://fhir.nhs.uk/STU3/CodeSystem/NDOP-OptOutCategory-1|NDOP`)).toBe(1);
    expect(await total(`_id=${withCategory}&category=NDOP`)).toBe(1);
    expect(await total(`_id=${withCategory}&category=other|NDOP`)).toBe(0);
  });

  it.each<[string, string, { status: number; code: string; details: string }]>([
    ['no parameters', '/Consent', { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }],
    ['only purpose', '/Consent?purpose=370856009', { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }],
    ['an unknown parameter', `/Consent?patient=${PDS}9990000018&status=active`, { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }],
    ['a modifier', `/Consent?patient:missing=true`, { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }],
    ['a relative patient reference', '/Consent?patient=Patient/9990000018', { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
    ['a bare NHS number', '/Consent?patient=9990000018', { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
    ['a spaced NHS number', `/Consent?patient=${PDS}999%20000%200018`, { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
    ['the guide’s NHS number 6105551234 (fails Modulus 11)', `/Consent?patient=${PDS}6105551234`, { status: 400, code: 'value', details: 'INVALID_NHS_NUMBER' }],
    ['a repeated patient', `/Consent?patient=${PDS}9990000018&patient=${PDS}9990000018`, { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
    ['an empty _id', '/Consent?_id=', { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
    ['broken percent-encoding', '/Consent?patient=%E0%A4%A', { status: 400, code: 'invalid', details: 'INVALID_PARAMETER' }],
  ])('refuses %s', async (_name, path, expected) => {
    expectOutcome(await get(path), expected, format);
  });
});
