/** POST [base]/Consent in both formats: success, headers, and every error of the decisions table for create. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import type { Resource } from '../../src/fhir/index.js';
import { FORMATS, MIME, PDS, body, call, consentFor, created, expectOutcome, expectValidConsent, parseBody, postConsent, syntheticNhsNumber } from './helpers.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startReferenceServer({ log: (line) => line.startsWith('internal') && console.error(line) });
});
afterAll(() => server.close());

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const PROXY_ROLE = {
  url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-NDOP-ProxyRole-1',
  valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/NDOP-ProxyRole-1', code: 'POA', display: 'Power of Attorney' }] },
};
const extensions = (c: Resource) => c.extension as unknown[];

describe.each(FORMATS)('create (%s)', (format) => {
  it('returns 201 with Location, ETag, Last-Modified and the stored Consent', async () => {
    const res = await postConsent(server.url, consentFor(), format);
    expect(res.status, res.text).toBe(201);
    expect(res.headers['content-type']).toBe(`${MIME[format]}; charset=utf-8`);
    expect(res.headers.location).toMatch(new RegExp(`^${server.url}/Consent/${UUID}/_history/1$`));
    expect(res.headers.etag).toBe('W/"1"');
    const consent = parseBody(res);
    expectValidConsent(consent);
    expect(res.headers.location).toBe(`${server.url}/Consent/${consent.id}/_history/1`);
    const meta = consent.meta as { versionId: string; lastUpdated: string };
    expect(meta.versionId).toBe('1');
    expect(new Date(res.headers['last-modified']!).toUTCString()).toBe(new Date(meta.lastUpdated).toUTCString());
  });

  it('accepts a proxy-set Consent (consentingProxyRole without consentingParty)', async () => {
    const consent = consentFor(syntheticNhsNumber(), (c) => {
      delete c.consentingParty;
      extensions(c).push(PROXY_ROLE);
    });
    const res = await postConsent(server.url, consent, format);
    expect(res.status, res.text).toBe(201);
    expectValidConsent(parseBody(res));
  });

  it('gives an empty body for Prefer: return=minimal', async () => {
    const res = await postConsent(server.url, consentFor(), format, { prefer: 'return=minimal' });
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    expect(res.headers.location).toMatch(/\/_history\/1$/);
  });

  it('refuses a body with an id: 405 forbidden MSG_RESOURCE_ID_FAIL', async () => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.id = 'f19e4165-b379-4377-ad43-df65f609eba5')), format);
    expectOutcome(res, { status: 405, code: 'forbidden', details: 'MSG_RESOURCE_ID_FAIL' }, format);
  });

  it('refuses a duplicate for the same patient, policy and purpose: 422 duplicate DUPLICATE_REJECTED', async () => {
    const nhs = syntheticNhsNumber();
    await created(server.url, consentFor(nhs), format);
    expectOutcome(await postConsent(server.url, consentFor(nhs), format), { status: 422, code: 'duplicate', details: 'DUPLICATE_REJECTED' }, format);
  });

  it('treats http and https SNOMED CT system URIs as the same purpose', async () => {
    const nhs = syntheticNhsNumber();
    const setSystem = (system: string) => (c: Resource) => ((c.purpose as Array<{ system: string }>)[0]!.system = system);
    await created(server.url, consentFor(nhs, setSystem('http://snomed.info/sct')), format);
    const res = await postConsent(server.url, consentFor(nhs, setSystem('https://snomed.info/sct')), format);
    expectOutcome(res, { status: 422, code: 'duplicate', details: 'DUPLICATE_REJECTED' }, format);
  });

  it('allows a second Consent for the same patient with another policy', async () => {
    const nhs = syntheticNhsNumber();
    await created(server.url, consentFor(nhs), format);
    const other = consentFor(nhs, (c) => ((c.policy as Array<{ uri: string }>)[0]!.uri = 'https://www.exampleauthority.nhs.uk/policies/other'));
    expect((await postConsent(server.url, other, format)).status).toBe(201);
  });

  it.each([
    ['malformed', format === 'json' ? '{"resourceType": "Consent",' : '<Consent xmlns="http://hl7.org/fhir"><status value="active"/>'],
    ['wrong root', format === 'json' ? '{"resourceType": "NotAResource"}' : '<NotAResource xmlns="http://hl7.org/fhir"/>'],
    ['not FHIR at all', format === 'json' ? '[1, 2, 3]' : '<html><body>hello</body></html>'],
  ])('refuses a %s body: 400 structure MESSAGE_NOT_WELL_FORMED', async (_name, text) => {
    expectOutcome(await postConsent(server.url, text, format), { status: 400, code: 'structure', details: 'MESSAGE_NOT_WELL_FORMED' }, format);
  });

  it('refuses an empty body: 400 structure MESSAGE_NOT_WELL_FORMED', async () => {
    expectOutcome(await postConsent(server.url, '', format), { status: 400, code: 'structure', details: 'MESSAGE_NOT_WELL_FORMED' }, format);
  });

  it('refuses an unknown element: 400 structure INVALID_RESOURCE, naming the element', async () => {
    const text = format === 'json'
      ? body(consentFor(), 'json').replace('"status":', '"colour":"blue","status":')
      : body(consentFor(), 'xml').replace('<status ', '<colour value="blue"/><status ');
    const outcome = expectOutcome(await postConsent(server.url, text, format), { status: 400, code: 'structure', details: 'INVALID_RESOURCE' }, format);
    expect(JSON.stringify(outcome)).toContain('colour');
  });

  it('refuses a wrongly formatted dateTime: 400 structure INVALID_RESOURCE', async () => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.dateTime = '14/12/2017')), format);
    const outcome = expectOutcome(res, { status: 400, code: 'structure', details: 'INVALID_RESOURCE' }, format);
    expect(JSON.stringify(outcome)).toContain('Consent.dateTime');
  });

  it('refuses a resource that is not a Consent: 400 structure INVALID_RESOURCE', async () => {
    const patient = { resourceType: 'Patient', active: true };
    expectOutcome(await postConsent(server.url, body(patient, format), format), { status: 400, code: 'structure', details: 'INVALID_RESOURCE' }, format);
  });

  it.each<[string, (c: Resource) => void, string]>([
    ['without the optOutSource extension', (c) => delete c.extension, 'extension'],
    ['with two purposes', (c) => (c.purpose = [...(c.purpose as unknown[]), { system: 'http://snomed.info/sct', code: '1', display: 'x' }]), 'purpose'],
    ['with an opt-out source code outside NDOP-OptOutSource-1', (c) => ((extensions(c)[0] as { valueCodeableConcept: { coding: Array<{ code: string }> } }).valueCodeableConcept.coding[0]!.code = 'XX'), 'extension'],
    ['without organization', (c) => delete c.organization, 'organization'],
  ])('refuses a Consent %s: 422 processing INVALID_RESOURCE naming the element', async (_name, patch, element) => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), patch), format);
    const outcome = expectOutcome(res, { status: 422, code: 'processing', details: 'INVALID_RESOURCE' }, format);
    expect(JSON.stringify(outcome)).toContain(element);
  });

  it('refuses consentingParty together with consentingProxyRole: 422 business-rule CONFLICTING_VALUES', async () => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => extensions(c).push(PROXY_ROLE)), format);
    expectOutcome(res, { status: 422, code: 'business-rule', details: 'CONFLICTING_VALUES' }, format);
  });

  it('refuses neither consentingParty nor consentingProxyRole: 422 business-rule INVALID_RESOURCE', async () => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => delete c.consentingParty), format);
    expectOutcome(res, { status: 422, code: 'business-rule', details: 'INVALID_RESOURCE' }, format);
  });

  it.each(['draft', 'proposed', 'rejected', 'entered-in-error'])('refuses status %s: 422 business-rule INVALID_CODE_VALUE', async (status) => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.status = status)), format);
    expectOutcome(res, { status: 422, code: 'business-rule', details: 'INVALID_CODE_VALUE' }, format);
  });

  it.each(['1973-04-01', '1973-04', '1973'])('refuses dateTime %s without a time: 422 business-rule INVALID_VALUE', async (dateTime) => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.dateTime = dateTime)), format);
    const outcome = expectOutcome(res, { status: 422, code: 'business-rule', details: 'INVALID_VALUE' }, format);
    expect(JSON.stringify(outcome)).toContain(dateTime);
  });

  it.each(['2017-12-14T11:15:33Z', '2017-12-14T11:15:33.250+01:00'])('accepts the complete dateTime %s', async (dateTime) => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.dateTime = dateTime)), format);
    expect(res.status).toBe(201);
  });

  it('refuses a dateTime with a time but no seconds or zone as invalid STU3: 400 structure INVALID_RESOURCE', async () => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.dateTime = '1988-11-11T11:45+00:00')), format);
    expectOutcome(res, { status: 400, code: 'structure', details: 'INVALID_RESOURCE' }, format);
  });

  it('refuses a status outside the STU3 value set: 400 structure INVALID_RESOURCE', async () => {
    const res = await postConsent(server.url, consentFor(syntheticNhsNumber(), (c) => (c.status = 'opted-out')), format);
    expectOutcome(res, { status: 400, code: 'structure', details: 'INVALID_RESOURCE' }, format);
  });

  it('refuses an unsupported Content-Type: 415 not-supported UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await call(server.url, 'POST', '/Consent', { headers: { 'content-type': 'text/plain', accept: MIME[format] }, body: body(consentFor(), format) });
    expectOutcome(res, { status: 415, code: 'not-supported', details: 'UNSUPPORTED_MEDIA_TYPE' }, format);
  });

  it('refuses a body without Content-Type: 415', async () => {
    const res = await call(server.url, 'POST', `/Consent?_format=${format}`, { body: body(consentFor(), format) });
    // fetch labels a string body text/plain; a raw request without the header is tested in limits.test.ts.
    expectOutcome(res, { status: 415, code: 'not-supported', details: 'UNSUPPORTED_MEDIA_TYPE' }, format);
  });

  it('refuses an unknown query parameter on create: 400 not-supported INVALID_PARAMETER', async () => {
    const res = await call(server.url, 'POST', '/Consent?mode=test', { headers: { 'content-type': MIME[format], accept: MIME[format] }, body: body(consentFor(), format) });
    expectOutcome(res, { status: 400, code: 'not-supported', details: 'INVALID_PARAMETER' }, format);
  });

  it('stores the patient it was given, searchable afterwards', async () => {
    const nhs = syntheticNhsNumber();
    const { id } = await created(server.url, consentFor(nhs), format);
    const res = await call(server.url, 'GET', `/Consent?patient=${PDS}${nhs}`, { headers: { accept: MIME[format] } });
    const bundle = parseBody(res);
    expect(bundle.total).toBe(1);
    expect((bundle.entry as Array<{ resource: Resource }>)[0]!.resource.id).toBe(id);
  });
});
