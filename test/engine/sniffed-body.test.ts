/**
 * A body whose Content-Type is not a FHIR XML/JSON type is read by its first character: a FHIR resource is
 * checked as usual and its media type fails NDOP-FMT-002; a body that does not parse either way stays an error.
 */
import { describe, expect, it } from 'vitest';
import { checkResponse } from '../../src/engine/assertions.js';
import { parseResponse } from '../../src/engine/response.js';
import { createValidator, type Validator } from '../../src/validation/index.js';

let validator: Validator | undefined;
const ctx = { validator: () => (validator ??= createValidator()) };
const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'duplicate', details: { coding: [{ code: 'DUPLICATE_REJECTED' }] } }] };
const duplicate = { status: 422, operationOutcome: { severity: 'error', code: 'duplicate', details: 'DUPLICATE_REJECTED' } };

describe('a FHIR body under a media type that is not FHIR', () => {
  it('a JSON OperationOutcome labelled text/plain: the body is checked, and the media type fails at MUST', () => {
    const res = parseResponse(422, { 'content-type': 'text/plain; charset=utf-8' }, JSON.stringify(outcome));
    expect(res).toMatchObject({ sniffed: 'json', resource: { resourceType: 'OperationOutcome' } });
    expect(res.format).toBeUndefined();
    expect(checkResponse(duplicate, res, ctx)).toEqual([
      { name: 'status', level: 'MUST', status: 'passed' },
      {
        name: 'Content-Type', level: 'MUST', status: 'failed',
        message: 'Unexpected Content-Type: expected a FHIR XML or JSON media type (NDOP-FMT-002), but received "text/plain; charset=utf-8" for a FHIR JSON body',
      },
      { name: 'OperationOutcome issue', level: 'MUST', status: 'passed' },
    ]);
  });

  it('an XML resource with no Content-Type at all is read as XML, and a wrong body still fails its own check', () => {
    const res = parseResponse(200, {}, '  <Bundle xmlns="http://hl7.org/fhir"><type value="searchset"/><total value="1"/></Bundle>');
    const results = checkResponse({ status: 200, bundle: { total: 0 } }, res, ctx);
    expect(results.map((r) => [r.name, r.status])).toEqual([['status', 'passed'], ['Content-Type', 'failed'], ['Bundle.total', 'failed']]);
    expect(results[1]!.message).toBe('Unexpected Content-Type: expected a FHIR XML or JSON media type (NDOP-FMT-002), but received "none" for a FHIR XML body');
  });

  it('needs a MUST reading of the body to fail: at SHOULD it is a warning, and with no body check it is not mentioned', () => {
    const res = parseResponse(401, { 'content-type': 'text/plain' }, JSON.stringify(outcome));
    const should = checkResponse({ status: { in: [401], level: 'SHOULD' }, profile: { profile: 'operationOutcome', level: 'SHOULD' } }, res, ctx);
    expect(should.find((r) => r.name === 'Content-Type')).toMatchObject({ level: 'SHOULD', status: 'warning' });
    expect(should.filter((r) => r.status === 'failed' || r.status === 'error')).toEqual([]);
    expect(checkResponse({ status: 401 }, res, ctx)).toEqual([{ name: 'status', level: 'MUST', status: 'passed' }]);
  });

  it('a FHIRPath capture reads the body too', () => {
    const res = parseResponse(200, { 'content-type': 'application/octet-stream' }, JSON.stringify(outcome));
    const [, mediaType] = checkResponse({ status: 200 }, res, ctx, [{ name: 'code', from: 'fhirpath', expression: 'OperationOutcome.issue.code' }]);
    expect(mediaType).toMatchObject({ name: 'Content-Type', status: 'failed' });
  });

  it('a body that does not parse either way stays an error, with the reason', () => {
    const cases: [string, RegExp][] = [
      ['{"resourceType": ', /^the Content-Type "text\/plain" is not XML or JSON, and the body, read as JSON by its first character, cannot be parsed: \S/],
      ['<html><body>busy</body></html>', /^the Content-Type "text\/plain" is not XML or JSON, and the body, read as XML by its first character, cannot be parsed: \S/],
      ['Service Unavailable', /^the Content-Type "text\/plain" is not XML or JSON, and the body is neither$/],
    ];
    for (const [body, reason] of cases) {
      const res = parseResponse(200, { 'content-type': 'text/plain' }, body);
      expect(res.resource).toBeUndefined();
      expect(res.parseError).toMatch(reason);
      const results = checkResponse({ status: 200, resourceType: 'Bundle' }, res, ctx);
      expect(results.map((r) => [r.name, r.status])).toEqual([['status', 'passed'], ['resourceType', 'error']]);
    }
  });

  it('a body under a FHIR media type is never read as the other format', () => {
    const res = parseResponse(200, { 'content-type': 'application/fhir+xml' }, JSON.stringify(outcome));
    expect(res.sniffed).toBeUndefined();
    expect(res.parseError).toMatch(/^the XML body cannot be parsed/);
  });
});
