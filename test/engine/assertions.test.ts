import { describe, expect, it } from 'vitest';
import { checkBundle, checkFhirPath, checkHeader, checkOperationOutcome, checkParallel, checkResponse, checkStatus } from '../../src/engine/assertions.js';
import { capture } from '../../src/engine/captures.js';
import { parseResponse } from '../../src/engine/response.js';
import { createValidator, type Validator } from '../../src/validation/index.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  parseResponse(status, { 'content-type': 'application/fhir+json', ...headers }, JSON.stringify(body));
let validator: Validator | undefined;
const ctx = { validator: () => (validator ??= createValidator()) };

describe('assertions: one message shape', () => {
  it('status', () => {
    expect(checkStatus(201, 200)).toEqual({ name: 'status', level: 'MUST', status: 'failed', message: 'Unexpected response status: expected 201, but received 200' });
    expect(checkStatus([400, 422], 422).status).toBe('passed');
    expect(checkStatus({ in: [412], level: 'SHOULD' }, 200)).toMatchObject({ status: 'warning', message: 'Unexpected response status: expected 412, but received 200' });
  });

  it('headers: present, equals, matches, absent', () => {
    const h = { etag: 'W/"1"', location: 'http://x/Consent/a/_history/1' };
    expect(checkHeader({ name: 'ETag', equals: 'W/"2"' }, h).message).toBe('Unexpected ETag header: expected "W/\\"2\\"", but received "W/\\"1\\""');
    expect(checkHeader({ name: 'Location', matches: '/_history/1$' }, h).status).toBe('passed');
    expect(checkHeader({ name: 'Allow', present: true, level: 'SHOULD' }, h)).toMatchObject({ status: 'warning', message: 'Unexpected Allow header: expected one, but received none' });
    expect(checkHeader({ name: 'ETag', present: false }, h).status).toBe('failed');
  });

  it('OperationOutcome severity, code and details code', () => {
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', details: { coding: [{ code: 'INVALID_RESOURCE' }] } }] };
    const res = json(422, oo);
    expect(checkOperationOutcome({ severity: 'error', code: 'processing', details: 'INVALID_RESOURCE' }, res).status).toBe('passed');
    expect(checkOperationOutcome({ severity: 'error', code: 'duplicate', details: 'DUPLICATE_REJECTED' }, res).message).toBe(
      'Unexpected OperationOutcome issue: expected severity error, code duplicate, details DUPLICATE_REJECTED, but received severity error, code processing, details INVALID_RESOURCE');
  });

  it('bundle rules: type, total, total vs entries, fullUrl vs id, search.mode', () => {
    const bundle = {
      resourceType: 'Bundle', type: 'searchset', total: 2,
      entry: [{ fullUrl: 'http://x/Consent/a', resource: { resourceType: 'Consent', id: 'b' }, search: { mode: 'include' } }],
    };
    const results = checkBundle({ type: 'history', total: 1, totalMatchesEntries: true, fullUrlMatchesId: true, searchMode: 'match' }, json(200, bundle));
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(results.map((r) => r.message)).toEqual([
      'Unexpected Bundle.type: expected history, but received searchset',
      'Unexpected Bundle.total: expected 1, but received 2',
      'Unexpected Bundle.total: expected the number of entries (1), but received 2',
      'Unexpected entry fullUrl: expected [base]/<type>/<resource.id> for every entry, but received http://x/Consent/a for id b',
      'Unexpected entry search.mode: expected match for every entry, but received include',
    ]);
  });

  it('FHIRPath: true passes, anything else fails with the value, a broken expression is an error', () => {
    const res = json(200, { resourceType: 'Bundle', type: 'searchset', total: 0 });
    expect(checkFhirPath('Bundle.total = 0', res).status).toBe('passed');
    expect(checkFhirPath('Bundle.total', res).message).toBe('Unexpected result of Bundle.total: expected true, but received 0');
    expect(checkFhirPath('Bundle.total = (', res).status).toBe('error');
  });

  it('an unparseable body where a resource is needed is an error, not a failure', () => {
    const res = parseResponse(200, { 'content-type': 'application/fhir+json' }, '{"resourceType": ');
    const [status, rt] = checkResponse({ status: 200, resourceType: 'Bundle' }, res, ctx);
    expect(status!.status).toBe('passed');
    expect(rt!.status).toBe('error');
    expect(rt!.message).toMatch(/^Unexpected response body: expected a FHIR resource, but received the JSON body cannot be parsed/);
  });

  it('an empty body where a resource is needed is a proven failure at MUST, a warning at SHOULD', () => {
    const res = parseResponse(200, { 'content-type': 'application/fhir+json' }, '');
    const [, must] = checkResponse({ status: 200, resourceType: 'Bundle' }, res, ctx);
    expect(must).toEqual({
      name: 'resourceType', level: 'MUST', status: 'failed',
      message: 'Unexpected response body: expected a FHIR resource, but received the response body is empty',
    });
    const [should] = checkResponse({ resourceType: { value: 'Bundle', level: 'SHOULD' } }, res, ctx);
    expect(should!.status).toBe('warning');
  });

  it('an unparseable body is an error at MUST, with the parse reason, and a warning at SHOULD', () => {
    const res = parseResponse(200, { 'content-type': 'application/fhir+xml' }, '<Bundle xmlns="http://hl7.org/fhir"><type value=');
    const [must] = checkResponse({ resourceType: 'Bundle' }, res, ctx);
    expect(must!.status).toBe('error');
    expect(must!.message).toMatch(/^Unexpected response body: expected a FHIR resource, but received the XML body cannot be parsed: \S/);
    const [should] = checkResponse({ resourceType: { value: 'Bundle', level: 'SHOULD' } }, res, ctx);
    expect(should).toMatchObject({ status: 'warning', message: must!.message });
  });

  it('SHOULD and MAY expectations never give an error or a failure, whatever the body', () => {
    const bodies = [
      parseResponse(200, { 'content-type': 'application/fhir+json' }, ''),
      parseResponse(200, { 'content-type': 'application/fhir+json' }, '{"resourceType": '),
      parseResponse(200, { 'content-type': 'text/html' }, '<html></html>'),
      json(200, { resourceType: 'Bundle', type: 'searchset', total: 0 }),
    ];
    for (const level of ['SHOULD', 'MAY'] as const) {
      const expectations = {
        resourceType: { value: 'Consent', level },
        profile: { profile: 'consent', level },
        operationOutcome: { severity: 'error', level },
        bundle: { type: 'history', level },
        fhirpath: [{ expression: 'Bundle.total = 1', level }, { expression: 'Bundle.total = (', level }],
      };
      for (const res of bodies) {
        const verdicts = checkResponse(expectations, res, ctx).map((a) => a.status);
        expect(verdicts).toHaveLength(6);
        expect(verdicts.filter((v) => v === 'error' || v === 'failed')).toEqual([]);
      }
    }
  });

  it('a FHIRPath capture: an empty body is a failure, an unparseable one an error', () => {
    const spec = { name: 'first', from: 'fhirpath' as const, expression: 'Bundle.id' };
    const empty = capture(spec, parseResponse(200, { 'content-type': 'application/fhir+json' }, ''));
    expect(empty.failure?.status).toBe('failed');
    const garbage = capture(spec, parseResponse(200, { 'content-type': 'application/fhir+json' }, '{"resourceType": '));
    expect(garbage.failure?.status).toBe('error');
    expect(garbage.failure?.message).toMatch(/the JSON body cannot be parsed/);
  });

  it('a Location capture: absolute or relative, and a Location without a version is a failure', () => {
    const spec = { name: 'created', from: 'location' as const };
    const at = (location: string) => capture(spec, parseResponse(201, { location }, ''));
    expect(at('https://ndop.example/STU3/Consent/8C8263EE-F582-1D08-BF84-46D016127552/_history/3d754ff8-2ff8-4807-97ed-07449e14d263').value)
      .toEqual({ url: 'https://ndop.example/STU3/Consent/8C8263EE-F582-1D08-BF84-46D016127552/_history/3d754ff8-2ff8-4807-97ed-07449e14d263', id: '8C8263EE-F582-1D08-BF84-46D016127552', versionId: '3d754ff8-2ff8-4807-97ed-07449e14d263' });
    expect(at('Consent/abc/_history/7').value).toEqual({ url: 'Consent/abc/_history/7', id: 'abc', versionId: '7' });
    expect(at('/STU3/Consent/abc/_history/7').value).toMatchObject({ id: 'abc', versionId: '7' });
    expect(at('https://ndop.example/STU3/Consent/abc').failure).toEqual({
      name: 'capture created', level: 'MUST', status: 'failed',
      message: 'Unexpected value for capture created: expected a Location header [base/]Consent/{id}/_history/{vid}, but received "https://ndop.example/STU3/Consent/abc"',
    });
  });

  it('a failed MUST status skips the body checks', () => {
    const res = parseResponse(404, { 'content-type': 'text/html' }, '<h1>oops</h1>');
    expect(checkResponse({ status: 201, resourceType: 'Consent', profile: 'consent' }, res, ctx).map((a) => a.name)).toEqual(['status']);
  });

  it('profile: validator issues become the message', () => {
    const res = json(200, { resourceType: 'Consent', status: 'active' });
    const [result] = checkResponse({ profile: 'consent' }, res, ctx);
    expect(result!.status).toBe('failed');
    expect(result!.message).toMatch(/^Unexpected resource: expected conformance to https:\/\/fhir\.nhs\.uk\/STU3\/StructureDefinition\/NDOP-Consent-1, but received \d+ error\(s\): Consent[.:]/);
  });

  it('parallel with requests that could not be checked: only what the completed ones prove', () => {
    expect(checkParallel({ status: [201, 422], statusCount: { '201': 1 } }, [201, 201], 1)).toEqual([{
      name: 'count of 201 responses', level: 'MUST', status: 'failed',
      message: 'Unexpected number of 201 responses: expected 1, but received 2 (statuses: 201, 201; 1 more could not be checked)',
    }]);
    expect(checkParallel({ statusCount: { '201': 3 } }, [422], 1).map((a) => a.status)).toEqual(['failed']);
    expect(checkParallel({ status: [201, 422] }, [201, 500], 1).map((a) => a.status)).toEqual(['failed']);
    // One 201 and one unknown: the unknown could be a 422 or a 201, so nothing is proven either way.
    expect(checkParallel({ status: [201, 422], statusCount: { '201': 1 } }, [201], 1)).toEqual([]);
  });

  it('parallel: allowed statuses and exact counts', () => {
    const r = checkParallel({ status: [201, 422], statusCount: { '201': 1 } }, [201, 201, 422, 500]);
    expect(r.map((a) => a.message)).toEqual([
      'Unexpected response status: expected 201 or 422 for every response, but received 500 among 4 responses',
      'Unexpected number of 201 responses: expected 1, but received 2 (statuses: 201, 201, 422, 500)',
    ]);
  });
});
