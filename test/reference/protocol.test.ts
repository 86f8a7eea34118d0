/**
 * Negotiation, routing and the CapabilityStatement, through supertest against createRequestHandler:
 * every declared interaction works, nothing undeclared does, and every error is an OperationOutcome.
 */
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createRequestHandler } from '../../src/reference/index.js';
import type { Handler } from '../../src/reference/index.js';
import type { Format, Resource } from '../../src/fhir/index.js';
import { FORMATS, MIME, PDS, body, consentFor, errorsOf, expectOutcome, parseBody, syntheticNhsNumber } from './helpers.js';

const app = createRequestHandler({ log: (line) => line.startsWith('internal') && console.error(line) });

/** supertest response as the helpers expect it: the raw text whatever the type. */
async function send(test: request.Test): Promise<{ status: number; text: string; headers: Record<string, string> }> {
  const res = await test.buffer(true).parse((r, done) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => (text += chunk));
    r.on('end', () => done(null, text));
  });
  return { status: res.status, text: res.body as string, headers: res.headers as Record<string, string> };
}

async function createOne(format: Format = 'json'): Promise<Resource> {
  const res = await send(request(app).post('/Consent').set('Content-Type', MIME[format]).set('Accept', MIME[format]).send(body(consentFor(), format)));
  expect(res.status, res.text).toBe(201);
  return parseBody(res);
}

describe('content negotiation', () => {
  it.each([
    ['application/fhir+json', 'application/fhir+json'],
    ['application/json+fhir', 'application/json+fhir'],
    ['application/json', 'application/json'],
    ['application/fhir+xml', 'application/fhir+xml'],
    ['application/xml+fhir', 'application/xml+fhir'],
    ['application/xml', 'application/xml'],
    ['text/xml', 'text/xml'],
    ['*/*', 'application/fhir+json'],
    ['text/html;q=0.9, application/xml+fhir;q=0.8', 'application/xml+fhir'],
  ])('Accept %s is answered as %s', async (accept, mime) => {
    const res = await send(request(app).get('/metadata').set('Accept', accept));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`${mime}; charset=utf-8`);
    expect(parseBody(res).resourceType).toBe('CapabilityStatement');
  });

  it.each([
    ['xml', 'application/fhir+xml'],
    ['json', 'application/fhir+json'],
    ['application/xml%2Bfhir', 'application/xml+fhir'],
    ['application/fhir+xml', 'application/fhir+xml'], // unencoded +: arrives as a space
    ['application/json', 'application/json'],
  ])('_format=%s wins over Accept and is answered as %s', async (format, mime) => {
    const res = await send(request(app).get(`/metadata?_format=${format}`).set('Accept', 'application/fhir+json;q=1, application/fhir+xml;q=0.5'));
    expect(res.headers['content-type']).toBe(`${mime}; charset=utf-8`);
  });

  it('answers in the request body format when nothing else is asked', async () => {
    const res = await send(request(app).post('/Consent').set('Content-Type', 'application/xml+fhir').send(body(consentFor(), 'xml')));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/fhir+xml; charset=utf-8');
  });

  it('an unsupported Accept is 406 not-supported UNSUPPORTED_MEDIA_TYPE, in JSON', async () => {
    expectOutcome(await send(request(app).get('/metadata').set('Accept', 'text/html')), { status: 406, code: 'not-supported', details: 'UNSUPPORTED_MEDIA_TYPE' }, 'json');
  });

  it('an unsupported _format is 406 even with a good Accept', async () => {
    expectOutcome(await send(request(app).get('/metadata?_format=turtle').set('Accept', 'application/fhir+xml')), { status: 406, code: 'not-supported', details: 'UNSUPPORTED_MEDIA_TYPE' }, 'json');
  });

  it('a Content-Type with a non-UTF-8 charset is 415', async () => {
    const res = await send(request(app).post('/Consent').set('Content-Type', 'application/fhir+json; charset=iso-8859-1').send(body(consentFor(), 'json')));
    expectOutcome(res, { status: 415, code: 'not-supported', details: 'UNSUPPORTED_MEDIA_TYPE' }, 'json');
  });
});

describe.each(FORMATS)('routing errors (%s)', (format) => {
  it.each(['/Patient', '/Consent/x/y/z/w', '/', '/metadata/extra', '/Consent/_search'])('unknown route %s is 404 not-found NO_RECORD_FOUND', async (path) => {
    expectOutcome(await send(request(app).get(path).set('Accept', MIME[format])), { status: 404, code: 'not-found', details: 'NO_RECORD_FOUND' }, format);
  });

  it.each<[string, string, string]>([
    ['DELETE', '/Consent/{id}', 'PUT'],
    ['PATCH', '/Consent/{id}', 'PUT'],
    ['GET', '/Consent/{id}', 'PUT'],
    ['POST', '/Consent/{id}', 'PUT'],
    ['PUT', '/Consent', 'GET, POST'],
    ['DELETE', '/Consent', 'GET, POST'],
    ['POST', '/metadata', 'GET'],
    ['POST', '/Consent/_history', 'GET'],
    ['DELETE', '/Consent/{id}/_history/1', 'GET'],
  ])('%s %s is 405 not-supported NOT_IMPLEMENTED with Allow: %s', async (method, path, allow) => {
    const target = path.replace('{id}', '3f0c1a52-7a3e-4d1b-9c5e-2a6b8d4f0e11');
    const res = await send(request(app)[method.toLowerCase() as 'get'](target).set('Accept', MIME[format]));
    expectOutcome(res, { status: 405, code: 'not-supported', details: 'NOT_IMPLEMENTED' }, format);
    expect(res.headers.allow).toBe(allow);
  });

  it('a path segment with broken percent-encoding is 400 invalid BAD_REQUEST', async () => {
    expectOutcome(await send(request(app).get('/Consent/%E0%A4%A/_history').set('Accept', MIME[format])), { status: 400, code: 'invalid', details: 'BAD_REQUEST' }, format);
  });
});

describe('an unexpected failure', () => {
  it('is 500 exception INTERNAL_SERVER_ERROR and the server goes on serving', async () => {
    const broken: Handler = async () => {
      throw new TypeError('simulated defect');
    };
    const lines: string[] = [];
    const faulty = createRequestHandler({ handlers: { 'search-type': broken }, log: (l) => lines.push(l) });
    const res = await send(request(faulty).get(`/Consent?patient=${PDS}9990000018`).set('Accept', MIME.xml));
    expectOutcome(res, { status: 500, code: 'exception', details: 'INTERNAL_SERVER_ERROR' }, 'xml');
    expect(lines.some((l) => l.includes('simulated defect'))).toBe(true);
    expect(lines.some((l) => /^GET \/Consent 500 \d+\.\dms$/.test(l))).toBe(true);
    expect((await send(request(faulty).get('/metadata'))).status).toBe(200);
  });
});

describe('the CapabilityStatement tells the truth', () => {
  it('is valid STU3 in both formats and declares exactly what the guide needs', async () => {
    for (const format of FORMATS) {
      const res = await send(request(app).get('/metadata').set('Accept', MIME[format]));
      expect(res.status).toBe(200);
      const statement = parseBody(res);
      expect(errorsOf(statement)).toEqual([]);
      const rest = (statement.rest as Array<{ resource: Array<Record<string, unknown>> }>)[0]!;
      const consent = rest.resource[0]!;
      expect(consent).toMatchObject({ type: 'Consent', versioning: 'versioned', readHistory: true, updateCreate: false });
      expect((statement.implementation as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it('every declared interaction works and every undeclared one is refused', async () => {
    const statement = parseBody(await send(request(app).get('/metadata')));
    const consent = (statement.rest as Array<{ resource: Array<{ interaction: Array<{ code: string }>; searchParam: Array<{ name: string }> }> }>)[0]!.resource[0]!;
    const declared = new Set(consent.interaction.map((i) => i.code));
    const made = await createOne();
    const id = String(made.id);
    const patient = (made.patient as { reference: string }).reference;
    const next: Resource = { ...made, status: 'inactive' };
    delete next.meta;
    const attempts: Record<string, () => request.Test> = {
      create: () => request(app).post('/Consent').set('Content-Type', MIME.json).send(body(consentFor(syntheticNhsNumber()), 'json')),
      update: () => request(app).put(`/Consent/${id}`).set('Content-Type', MIME.json).send(body(next, 'json')),
      vread: () => request(app).get(`/Consent/${id}/_history/1`),
      'search-type': () => request(app).get(`/Consent?patient=${patient}`),
      'history-instance': () => request(app).get(`/Consent/${id}/_history`),
      'history-type': () => request(app).get(`/Consent/_history?patient=${patient}`),
      read: () => request(app).get(`/Consent/${id}`),
      delete: () => request(app).delete(`/Consent/${id}`),
      patch: () => request(app).patch(`/Consent/${id}`).set('Content-Type', MIME.json).send('[]'),
      'search-system': () => request(app).get(`/?patient=${patient}`),
      'history-system': () => request(app).get('/_history'),
    };
    for (const [interaction, attempt] of Object.entries(attempts)) {
      const res = await send(attempt());
      if (declared.has(interaction)) expect(res.status, `${interaction}: ${res.text}`).toBeLessThan(300);
      else expect([404, 405], `${interaction} is not declared but answered ${res.status}`).toContain(res.status);
    }
    expect([...declared].sort()).toEqual(['create', 'history-instance', 'history-type', 'search-type', 'update', 'vread']);

    const params = consent.searchParam.map((p) => p.name).sort();
    expect(params).toEqual(['_id', 'category', 'patient', 'purpose']);
    for (const name of params) {
      const value = name === 'patient' ? patient : name === '_id' ? id : 'NDOP';
      const query = name === '_id' ? `_id=${id}` : `_id=${id}&${name}=${encodeURIComponent(value)}`;
      const res = await send(request(app).get(`/Consent?${query}`));
      expect(res.status, `${name}: ${res.text}`).toBe(200);
    }
    for (const undeclared of ['status', '_lastUpdated', 'identifier', '_count']) {
      expect((await send(request(app).get(`/Consent?_id=${id}&${undeclared}=x`))).status).toBe(400);
    }
  });
});
