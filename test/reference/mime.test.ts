import { describe, expect, it } from 'vitest';
import { acceptChoice, contentTypeHeader, formatParamChoice, negotiateResponse, parseAccept, requestBodyFormat } from '../../src/fhir/mime.js';

describe('_format', () => {
  it.each([
    ['xml', 'xml', 'application/fhir+xml'],
    ['json', 'json', 'application/fhir+json'],
    ['XML', 'xml', 'application/fhir+xml'],
    ['application/fhir+xml', 'xml', 'application/fhir+xml'],
    ['application/xml+fhir', 'xml', 'application/xml+fhir'],
    ['application/fhir+json', 'json', 'application/fhir+json'],
    ['application/json+fhir', 'json', 'application/json+fhir'],
    ['application/json', 'json', 'application/json'],
    ['application/xml', 'xml', 'application/xml'],
    ['text/xml', 'xml', 'text/xml'],
    // An unencoded + in a query string arrives as a space.
    ['application/fhir json', 'json', 'application/fhir+json'],
    ['application/xml fhir', 'xml', 'application/xml+fhir'],
    ['application/fhir+json; charset=utf-8', 'json', 'application/fhir+json'],
  ])('%s gives %s as %s', (value, format, mime) => {
    expect(formatParamChoice(value)).toEqual({ ok: true, value: { format, mime } });
  });

  it.each(['turtle', 'text/html', 'application/fhir+json; charset=latin1', '', 'application/'])('refuses %j', (value) => {
    const result = formatParamChoice(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('_format');
  });
});

describe('Accept with q-values', () => {
  it('takes the highest q', () => {
    expect(acceptChoice('application/fhir+json;q=0.5, application/fhir+xml;q=0.9')).toEqual({ ok: true, value: { format: 'xml', mime: 'application/fhir+xml' } });
  });
  it('prefers the more specific range at equal q, then the first listed', () => {
    expect(acceptChoice('*/*, application/xml+fhir')).toEqual({ ok: true, value: { format: 'xml', mime: 'application/xml+fhir' } });
    expect(acceptChoice('application/json, application/fhir+xml')).toEqual({ ok: true, value: { format: 'json', mime: 'application/json' } });
  });
  it('skips unsupported types and q=0', () => {
    expect(acceptChoice('text/html, application/fhir+json;q=0, application/xml;q=0.1')).toEqual({ ok: true, value: { format: 'xml', mime: 'application/xml' } });
  });
  it('maps wildcards to the fallback format with the current STU3 type', () => {
    expect(acceptChoice('*/*', 'xml')).toEqual({ ok: true, value: { format: 'xml', mime: 'application/fhir+xml' } });
    expect(acceptChoice('application/*')).toEqual({ ok: true, value: { format: 'json', mime: 'application/fhir+json' } });
  });
  it('refuses a header naming nothing supported', () => {
    expect(acceptChoice('text/html, image/png').ok).toBe(false);
    expect(acceptChoice('application/fhir+json;q=0').ok).toBe(false);
    expect(acceptChoice('application/fhir+json; charset=iso-8859-1').ok).toBe(false);
  });
  it('drops malformed entries and invalid q values', () => {
    expect(parseAccept('garbage, application/json;q=2, application/xml;q=0.3').map((e) => e.range.type)).toEqual(['application/xml']);
  });
});

describe('negotiateResponse', () => {
  it('lets _format win over Accept', () => {
    expect(negotiateResponse({ formatParam: 'xml', accept: 'application/fhir+json' })).toEqual({ ok: true, value: { format: 'xml', mime: 'application/fhir+xml' } });
  });
  it('uses Accept when there is no _format, and the fallback when neither', () => {
    expect(negotiateResponse({ accept: 'application/json+fhir' })).toEqual({ ok: true, value: { format: 'json', mime: 'application/json+fhir' } });
    expect(negotiateResponse({ fallback: 'xml' })).toEqual({ ok: true, value: { format: 'xml', mime: 'application/fhir+xml' } });
    expect(negotiateResponse({ accept: '  ' })).toEqual({ ok: true, value: { format: 'json', mime: 'application/fhir+json' } });
  });
  it('reports an unusable _format even when Accept would do', () => {
    expect(negotiateResponse({ formatParam: 'yaml', accept: 'application/fhir+json' }).ok).toBe(false);
  });
});

describe('request Content-Type', () => {
  it.each([
    ['application/fhir+xml', 'xml'],
    ['application/xml+fhir; charset=UTF-8', 'xml'],
    ['Application/FHIR+JSON', 'json'],
    ['application/json;charset=utf8', 'json'],
    ['text/xml', 'xml'],
  ])('%s is read as %s', (header, format) => {
    const result = requestBodyFormat(header);
    expect(result.ok && result.value.format).toBe(format);
  });
  it.each([undefined, '', 'text/plain', '*/*', 'application/fhir+json; charset=utf-16', 'nonsense'])('refuses %j', (header) => {
    expect(requestBodyFormat(header).ok).toBe(false);
  });
  it('always declares UTF-8 on responses', () => {
    expect(contentTypeHeader({ format: 'json', mime: 'application/json+fhir' })).toBe('application/json+fhir; charset=utf-8');
  });
});
