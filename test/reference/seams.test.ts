/**
 * The seams fault injection (issue #6) will use: each replaces exactly one behaviour and leaves the
 * rest of the server as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryConsentStore, partyXorProxy, startReferenceServer } from '../../src/reference/index.js';
import type { ConsentStore, ResponseFilter, RunningServer } from '../../src/reference/index.js';
import { MIME, call, consentFor, created, expectOutcome, parseBody, postConsent } from './helpers.js';

const servers: RunningServer[] = [];
async function serverWith(options: Parameters<typeof startReferenceServer>[0]): Promise<RunningServer> {
  const server = await startReferenceServer(options);
  servers.push(server);
  return server;
}
afterAll(async () => {
  for (const s of servers) await s.close();
});

let plain: RunningServer;
beforeAll(async () => {
  plain = await serverWith({});
});

describe('seams', () => {
  it('a response filter can drop one header, and only on the interaction it targets', async () => {
    const dropEtagOnCreate: ResponseFilter = (result) => {
      if (result.interaction !== 'create') return result;
      const { ETag: _etag, ...headers } = result.headers;
      return { ...result, headers };
    };
    const server = await serverWith({ responseFilters: [dropEtagOnCreate] });
    const { id, res } = await created(server.url, consentFor());
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers.location).toMatch(/_history\/1$/);
    expect((await call(server.url, 'GET', `/Consent/${id}/_history/1`)).headers.etag).toBe('W/"1"');
  });

  it('a response filter can change the negotiated format of the response', async () => {
    const alwaysJson: ResponseFilter = (result, exchange) => {
      exchange.media = { format: 'json', mime: 'application/fhir+json' };
      return result;
    };
    const server = await serverWith({ responseFilters: [alwaysJson] });
    const res = await call(server.url, 'GET', '/metadata', { headers: { accept: MIME.xml } });
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect((await call(plain.url, 'GET', '/metadata', { headers: { accept: MIME.xml } })).headers['content-type']).toBe('application/fhir+xml; charset=utf-8');
  });

  it('a wrapped store can change what vread returns', async () => {
    const inner = new MemoryConsentStore();
    const currentInsteadOfVersion: ConsentStore = Object.assign(Object.create(inner) as ConsentStore, {
      version: (id: string) => inner.current(id),
    });
    const server = await serverWith({ store: currentInsteadOfVersion });
    const { id, resource } = await created(server.url, consentFor());
    const { meta: _meta, ...next } = resource;
    await call(server.url, 'PUT', `/Consent/${id}`, { headers: { 'content-type': MIME.json }, body: JSON.stringify({ ...next, status: 'inactive' }) });
    const v1 = parseBody(await call(server.url, 'GET', `/Consent/${id}/_history/1`));
    expect(v1.meta).toMatchObject({ versionId: '2' });
  });

  it('the business rules are a list that can be replaced', async () => {
    const server = await serverWith({ rules: [partyXorProxy] });
    const draft = consentFor(undefined, (c) => (c.status = 'draft'));
    expect((await postConsent(server.url, draft, 'json')).status).toBe(201);
    expectOutcome(await postConsent(plain.url, consentFor(undefined, (c) => (c.status = 'draft')), 'json'), { status: 422, code: 'business-rule', details: 'INVALID_CODE_VALUE' });
  });
});
