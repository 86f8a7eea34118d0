import { describe, expect, it } from 'vitest';
import { nonApiResponse } from '../../src/engine/non-api-response.js';
import { parseResponse } from '../../src/engine/response.js';

const html = parseResponse(500, { 'content-type': 'text/html; charset=utf-8' }, '<h1>Bad gateway</h1>');

describe('a response that is not the API answering', () => {
  it('a 5xx HTML page is an error naming the status and media type', () => {
    expect(nonApiResponse({ status: 201, resourceType: 'Consent' }, html)).toEqual({
      name: 'response', level: 'MUST', status: 'error',
      message: 'the target answered 500 text/html, not a FHIR response; nothing could be checked',
    });
    expect(nonApiResponse({}, html)?.status).toBe('error');
  });

  it('is left to the expectations when the step expects that status', () => {
    expect(nonApiResponse({ status: 500 }, html)).toBeUndefined();
    expect(nonApiResponse({ status: [500, 503] }, html)).toBeUndefined();
  });

  it('is only a warning behind a SHOULD status expectation', () => {
    expect(nonApiResponse({ status: { in: [412], level: 'SHOULD' } }, html)?.status).toBe('warning');
  });

  it('names an empty body, a missing Content-Type and a FHIR body that does not parse', () => {
    expect(nonApiResponse({ status: 200 }, parseResponse(502, {}, ''))?.message)
      .toBe('the target answered 502 with an empty body, not a FHIR response; nothing could be checked');
    expect(nonApiResponse({ status: 200 }, parseResponse(502, {}, 'Bad Gateway'))?.message)
      .toBe('the target answered 502 with no Content-Type, not a FHIR response; nothing could be checked');
    expect(nonApiResponse({ status: 200 }, parseResponse(503, { 'content-type': 'application/fhir+json' }, '{"resourceType": '))?.message)
      .toMatch(/^the target answered 503 application\/fhir\+json \(the JSON body cannot be parsed: .+\), not a FHIR response; nothing could be checked$/);
  });

  it('a redirect is never followed: an error naming where it points, and a loop when it points back', () => {
    const url = 'http://127.0.0.1:1/Consent?patient=x';
    expect(nonApiResponse({ status: 200 }, parseResponse(302, { location: '/Consent?patient=x' }, ''), url)?.message)
      .toBe('the target answered 302 redirecting to itself (/Consent?patient=x): a redirect loop; redirects are not followed, so nothing could be checked');
    expect(nonApiResponse({ status: 201 }, parseResponse(307, { location: 'https://elsewhere.example/Consent' }, ''), url)?.message)
      .toBe('the target answered 307 redirecting to https://elsewhere.example/Consent; redirects are not followed, so nothing could be checked');
    expect(nonApiResponse({ status: [200, 304] }, parseResponse(304, {}, ''), url)).toBeUndefined();
  });

  it('a 5xx carrying a FHIR resource, and any 4xx, are left to the expectations', () => {
    const outcome = parseResponse(500, { 'content-type': 'application/fhir+json' }, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }));
    expect(nonApiResponse({ status: 422 }, outcome)).toBeUndefined();
    expect(nonApiResponse({ status: 200 }, parseResponse(404, { 'content-type': 'text/html' }, '<h1>Not found</h1>'))).toBeUndefined();
  });
});
