/**
 * Atomicity under load through real HTTP: the store simulates database latency, so requests really
 * interleave between each check and its write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryConsentStore, startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import type { Resource } from '../../src/fhir/index.js';
import { MIME, call, consentFor, created, expectOutcome, parseBody, postConsent, putConsent, syntheticNhsNumber } from './helpers.js';

const N = 50;
let server: RunningServer;
beforeAll(async () => {
  server = await startReferenceServer({ store: new MemoryConsentStore({ latencyMs: 3 }) });
});
afterAll(() => server.close());

const NIC = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-NDOP-NICReference-1';
function withNic(resource: Resource, nic: string): Resource {
  const { meta: _meta, ...rest } = structuredClone(resource);
  const extension = (rest.extension as Array<{ url: string }>).filter((e) => e.url !== NIC);
  return { ...rest, extension: [...extension, { url: NIC, valueString: nic }] };
}

describe(`${N} concurrent requests`, () => {
  it('creates for one patient, policy and purpose: exactly one 201 and the rest 422 DUPLICATE_REJECTED', async () => {
    const nhs = syntheticNhsNumber();
    const results = await Promise.all(Array.from({ length: N }, () => postConsent(server.url, consentFor(nhs), 'json')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(N - 1);
    for (const r of refused) expectOutcome(r, { status: 422, code: 'duplicate', details: 'DUPLICATE_REJECTED' });
    const search = parseBody(await call(server.url, 'GET', `/Consent?patient=https://demographics.spineservices.nhs.uk/STU3/Patient/${nhs}`));
    expect(search.total).toBe(1);
  });

  it('creates for different patients all succeed', async () => {
    const results = await Promise.all(Array.from({ length: N }, () => postConsent(server.url, consentFor(syntheticNhsNumber()), 'xml')));
    expect(results.map((r) => r.status)).toEqual(Array(N).fill(201));
    expect(new Set(results.map((r) => r.headers.location)).size).toBe(N);
  });

  it('updates with the same If-Match: exactly one 200, the rest 412, history has both versions', async () => {
    const { id, resource } = await created(server.url, consentFor());
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => putConsent(server.url, id, withNic(resource, `NIC-${i}`), 'json', { 'if-match': 'W/"1"' })),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expectOutcome(r, { status: 412, code: 'conflict', details: 'PRECONDITION_FAILED' });
    const history = parseBody(await call(server.url, 'GET', `/Consent/${id}/_history`));
    expect(history.total).toBe(2);
    const winner = parseBody(winners[0]!);
    const newest = (history.entry as Array<{ resource: Resource }>)[0]!.resource;
    expect(newest.extension).toEqual(winner.extension);
  });

  it('updates without If-Match: all succeed and history keeps every one of them (no lost update)', async () => {
    const { id, resource } = await created(server.url, consentFor(), 'xml');
    const results = await Promise.all(Array.from({ length: N }, (_, i) => putConsent(server.url, id, withNic(resource, `NIC-${i}`), 'xml')));
    expect(results.map((r) => r.status)).toEqual(Array(N).fill(200));
    const etags = results.map((r) => r.headers.etag).sort();
    expect(new Set(etags).size).toBe(N);
    const history = parseBody(await call(server.url, 'GET', `/Consent/${id}/_history`, { headers: { accept: MIME.xml } }));
    expect(history.total).toBe(N + 1);
    const entries = history.entry as Array<{ resource: Resource }>;
    expect(entries.map((e) => (e.resource.meta as { versionId: string }).versionId)).toEqual(Array.from({ length: N + 1 }, (_, i) => String(N + 1 - i)));
    const nics = entries.flatMap((e) => (e.resource.extension as Array<{ url: string; valueString?: string }>).filter((x) => x.url === NIC).map((x) => x.valueString));
    expect(new Set(nics)).toEqual(new Set(Array.from({ length: N }, (_, i) => `NIC-${i}`)));
  });

  it('If-Match updates retried on 412 until they win: every writer lands exactly once', async () => {
    const { id, resource } = await created(server.url, consentFor());
    const writer = async (i: number): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        const current = await call(server.url, 'GET', `/Consent/${id}/_history`);
        const version = (parseBody(current).entry as Array<{ resource: Resource }>)[0]!.resource.meta as { versionId: string };
        const res = await putConsent(server.url, id, withNic(resource, `W-${i}`), 'json', { 'if-match': `W/"${version.versionId}"` });
        if (res.status === 200) return attempt;
        expect(res.status).toBe(412);
      }
    };
    const writers = 10;
    await Promise.all(Array.from({ length: writers }, (_, i) => writer(i)));
    const history = parseBody(await call(server.url, 'GET', `/Consent/${id}/_history`));
    expect(history.total).toBe(writers + 1);
  });
});
