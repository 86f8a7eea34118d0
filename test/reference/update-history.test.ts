/** PUT, vread, instance and type history in both formats. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import type { Resource } from '../../src/fhir/index.js';
import { FORMATS, MIME, PDS, call, consentFor, created, expectOutcome, expectValidConsent, parseBody, putConsent, syntheticNhsNumber } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startReferenceServer({ log: (line) => line.startsWith('internal') && console.error(line) });
});
afterAll(() => server.close());

/** The stored resource made ready for a PUT: same id, new status. */
function revised(resource: Resource, status: string): Resource {
  const { meta: _meta, ...rest } = resource;
  return { ...structuredClone(rest), status };
}

interface Entry {
  fullUrl: string;
  resource: Resource;
  request: { method: string; url: string };
  response: { status: string; etag: string; lastModified: string; location: string };
}

describe.each(FORMATS)('update (%s)', (format) => {
  it('returns 200 with the next version, Location and ETag; the old version stays readable', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    const res = await putConsent(server.url, id, revised(resource, 'inactive'), format);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe(`${MIME[format]}; charset=utf-8`);
    expect(res.headers.location).toBe(`${server.url}/Consent/${id}/_history/2`);
    expect(res.headers.etag).toBe('W/"2"');
    expect(res.headers['last-modified']).toBeTruthy();
    const updated = parseBody(res);
    expectValidConsent(updated);
    expect(updated).toMatchObject({ id, status: 'inactive', meta: { versionId: '2' } });

    const v1 = await call(server.url, 'GET', `/Consent/${id}/_history/1`, { headers: { accept: MIME[format] } });
    expect(v1.status).toBe(200);
    expect(v1.headers.etag).toBe('W/"1"');
    expect(parseBody(v1)).toMatchObject({ id, status: 'active', meta: { versionId: '1' } });
    const v2 = await call(server.url, 'GET', `/Consent/${id}/_history/2`, { headers: { accept: MIME[format] } });
    expect(parseBody(v2)).toMatchObject({ status: 'inactive', meta: { versionId: '2' } });
    expect(v2.headers['last-modified']).toBe(new Date((updated.meta as { lastUpdated: string }).lastUpdated).toUTCString());
  });

  it('honours If-Match: the current ETag succeeds, a stale one is 412 conflict PRECONDITION_FAILED', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    const ok = await putConsent(server.url, id, revised(resource, 'inactive'), format, { 'if-match': 'W/"1"' });
    expect(ok.status, ok.text).toBe(200);
    const stale = await putConsent(server.url, id, revised(resource, 'active'), format, { 'if-match': 'W/"1"' });
    expectOutcome(stale, { status: 412, code: 'conflict', details: 'PRECONDITION_FAILED' }, format);
    const history = parseBody(await call(server.url, 'GET', `/Consent/${id}/_history`, { headers: { accept: MIME[format] } }));
    expect(history.total).toBe(2);
  });

  it('accepts If-Match "2" and *, and refuses an unreadable If-Match with 412 (404 when the id is unknown)', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    expect((await putConsent(server.url, id, revised(resource, 'inactive'), format, { 'if-match': '*' })).status).toBe(200);
    expect((await putConsent(server.url, id, revised(resource, 'active'), format, { 'if-match': '"2"' })).status).toBe(200);
    expectOutcome(await putConsent(server.url, id, revised(resource, 'inactive'), format, { 'if-match': 'W/3' }), { status: 412, code: 'conflict', details: 'PRECONDITION_FAILED' }, format);
    const unknown = '6d1f3a2b-8c4e-4f5a-9b6c-7d8e9f0a1b2c';
    expectOutcome(await putConsent(server.url, unknown, { ...revised(resource, 'active'), id: unknown }, format, { 'if-match': 'garbage' }), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
  });

  it('refuses a body without id: 400 required INVALID_RESOURCE', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    const { id: _id, ...withoutId } = revised(resource, 'inactive');
    expectOutcome(await putConsent(server.url, id, withoutId as Resource, format), { status: 400, code: 'required', details: 'INVALID_RESOURCE' }, format);
  });

  it('refuses a body whose id differs from the URL: 400 invalid BAD_REQUEST', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    const other = { ...revised(resource, 'inactive'), id: '00000000-0000-4000-8000-000000000000' };
    expectOutcome(await putConsent(server.url, id, other, format), { status: 400, code: 'invalid', details: 'BAD_REQUEST' }, format);
  });

  it('refuses an unknown id (no update-as-create): 404 not-found NO_RECORD_FOUND', async () => {
    const id = '2b0a4bd5-9d8a-4c39-9b44-1f0d3f8c1e11';
    const consent = { ...consentFor(), id };
    expectOutcome(await putConsent(server.url, id, consent, format), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
  });

  it('refuses profile and business-rule violations with 422 and an unparseable body with 400', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    const twoPurposes = { ...revised(resource, 'inactive'), purpose: [...(resource.purpose as unknown[]), { system: 'http://snomed.info/sct', code: '1', display: 'x' }] };
    expectOutcome(await putConsent(server.url, id, twoPurposes, format), { status: 422, code: 'processing', details: 'INVALID_RESOURCE' }, format);
    expectOutcome(await putConsent(server.url, id, revised(resource, 'draft'), format), { status: 422, code: 'business-rule', details: 'INVALID_CODE_VALUE' }, format);
    const { consentingParty: _p, ...noParty } = revised(resource, 'inactive');
    expectOutcome(await putConsent(server.url, id, noParty as Resource, format), { status: 422, code: 'business-rule', details: 'INVALID_RESOURCE' }, format);
    expectOutcome(await putConsent(server.url, id, format === 'json' ? '{' : '<', format), { status: 400, code: 'structure', details: 'MESSAGE_NOT_WELL_FORMED' }, format);
  });

  it('refuses an update that would duplicate another Consent of the patient: 422 DUPLICATE_REJECTED', async () => {
    const nhs = syntheticNhsNumber();
    const otherPolicy = 'https://www.exampleauthority.nhs.uk/policies/other';
    await created(server.url, consentFor(nhs), format);
    const { id, resource } = await created(server.url, consentFor(nhs, (c) => ((c.policy as Array<{ uri: string }>)[0]!.uri = otherPolicy)), format);
    const clash = revised(resource, 'active');
    (clash.policy as Array<{ uri: string }>)[0]!.uri = 'https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/535024/data-security-review.PDF';
    expectOutcome(await putConsent(server.url, id, clash, format), { status: 422, code: 'duplicate', details: 'DUPLICATE_REJECTED' }, format);
  });
});

describe.each(FORMATS)('vread and history (%s)', (format) => {
  const get = (path: string) => call(server.url, 'GET', path, { headers: { accept: MIME[format] } });

  it('vread of an unknown id or version is 404 not-found NO_RECORD_FOUND', async () => {
    const { id } = await created(server.url, consentFor(), format);
    expectOutcome(await get(`/Consent/${id}/_history/2`), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
    expectOutcome(await get(`/Consent/${id}/_history/abc`), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
    expectOutcome(await get('/Consent/5b5e8f3c-6f0e-4c2e-9f1a-2f4c6b8d0e12/_history/1'), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
  });

  it('instance history lists every version newest first with request and response', async () => {
    const { id, resource } = await created(server.url, consentFor(), format);
    await putConsent(server.url, id, revised(resource, 'inactive'), format);
    await putConsent(server.url, id, revised(resource, 'active'), format);
    const res = await get(`/Consent/${id}/_history`);
    expect(res.status).toBe(200);
    const bundle = parseBody(res);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 3 });
    expect((bundle.link as Array<{ relation: string; url: string }>)[0]).toEqual({ relation: 'self', url: `${server.url}/Consent/${id}/_history` });
    const entries = bundle.entry as Entry[];
    expect(entries.map((e) => (e.resource.meta as { versionId: string }).versionId)).toEqual(['3', '2', '1']);
    expect(entries.map((e) => e.resource.status)).toEqual(['active', 'inactive', 'active']);
    expect(entries.map((e) => e.request)).toEqual([
      { method: 'PUT', url: `Consent/${id}` },
      { method: 'PUT', url: `Consent/${id}` },
      { method: 'POST', url: 'Consent' },
    ]);
    expect(entries.map((e) => e.response.status)).toEqual(['200 OK', '200 OK', '201 Created']);
    expect(entries.map((e) => e.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
    for (const e of entries) {
      expect(e.fullUrl).toBe(`${server.url}/Consent/${id}`);
      expect(e.response.lastModified).toBe((e.resource.meta as { lastUpdated: string }).lastUpdated);
      expectValidConsent(e.resource);
    }
  });

  it('instance history of an unknown id is 404', async () => {
    expectOutcome(await get('/Consent/5b5e8f3c-6f0e-4c2e-9f1a-2f4c6b8d0e12/_history'), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
  });

  it('type history by patient lists all versions newest first, and versionId filters them', async () => {
    const nhs = syntheticNhsNumber();
    const { id, resource } = await created(server.url, consentFor(nhs), format);
    await putConsent(server.url, id, revised(resource, 'inactive'), format);
    const all = parseBody(await get(`/Consent/_history?patient=${PDS}${nhs}`));
    expect(all).toMatchObject({ type: 'history', total: 2 });
    expect((all.entry as Entry[]).map((e) => e.resource.status)).toEqual(['inactive', 'active']);
    const first = parseBody(await get(`/Consent/_history?patient=${PDS}${nhs}&versionId=1`));
    expect(first.total).toBe(1);
    expect((first.entry as Entry[])[0]!.resource.meta).toMatchObject({ versionId: '1' });
    const none = parseBody(await get(`/Consent/_history?patient=${PDS}${syntheticNhsNumber()}`));
    expect(none).toMatchObject({ type: 'history', total: 0 });
    expect(none.entry).toBeUndefined();
  });

  it.each<[string, string, { status: number; code: string; details: string }]>([
    ['no patient', '/Consent/_history', { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }],
    ['a patient that is no PDS URL', '/Consent/_history?patient=Patient/9990000018', { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
    ['an NHS number failing Modulus 11', `/Consent/_history?patient=${PDS}6105551234`, { status: 400, code: 'value', details: 'INVALID_NHS_NUMBER' }],
    ['an unknown parameter', `/Consent/_history?patient=${PDS}9990000018&_since=2020`, { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }],
    ['a versionId that is no number', `/Consent/_history?patient=${PDS}9990000018&versionId=abc`, { status: 400, code: 'value', details: 'INVALID_PARAMETER' }],
  ])('type history with %s is refused', async (_name, path, expected) => {
    expectOutcome(await get(path), expected, format);
  });
});
