/** A real third-party FHIR client (fhir-kit-client, JSON) against the started server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'fhir-kit-client';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import { PDS, consentFor, expectValidConsent, syntheticNhsNumber } from './helpers.js';

let server: RunningServer;
let client: Client;
beforeAll(async () => {
  server = await startReferenceServer();
  client = new Client({ baseUrl: server.url });
});
afterAll(() => server.close());

type Json = Record<string, unknown> & { resourceType: string };

describe('fhir-kit-client', () => {
  it('reads the CapabilityStatement', async () => {
    const statement = (await client.capabilityStatement()) as Json;
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.fhirVersion).toBe('3.0.1');
  });

  it('searches, creates, vreads, updates and reads history', async () => {
    const nhs = syntheticNhsNumber();
    const patient = `${PDS}${nhs}`;
    const empty = (await client.search({ resourceType: 'Consent', searchParams: { patient } })) as Json;
    expect(empty).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });

    const made = (await client.create({ resourceType: 'Consent', body: consentFor(nhs) })) as Json;
    expectValidConsent(made);
    const id = String(made.id);
    const { response } = Client.httpFor(made);
    expect(response?.status).toBe(201);
    expect(response?.headers.get('location')).toBe(`${server.url}/Consent/${id}/_history/1`);

    const found = (await client.search({ resourceType: 'Consent', searchParams: { patient } })) as Json;
    expect(found.total).toBe(1);
    const byId = (await client.search({ resourceType: 'Consent', searchParams: { _id: id } })) as Json;
    expect(byId.total).toBe(1);

    const v1 = (await client.vread({ resourceType: 'Consent', id, version: '1' })) as Json;
    expect(v1).toMatchObject({ id, status: 'active' });

    const { meta: _meta, ...unchanged } = made;
    const updated = (await client.update({ resourceType: 'Consent', id, body: { ...unchanged, status: 'inactive' } })) as Json;
    expect(updated).toMatchObject({ id, status: 'inactive', meta: { versionId: '2' } });
    expect(Client.httpFor(updated).response?.headers.get('etag')).toBe('W/"2"');

    const history = (await client.resourceHistory({ resourceType: 'Consent', id })) as Json;
    expect(history).toMatchObject({ type: 'history', total: 2 });
    const byPatient = (await client.request(`Consent/_history?patient=${encodeURIComponent(patient)}&versionId=2`)) as Json;
    expect(byPatient).toMatchObject({ type: 'history', total: 1 });
  });

  it('sees errors as HTTP errors carrying the OperationOutcome', async () => {
    const nhs = syntheticNhsNumber();
    await client.create({ resourceType: 'Consent', body: consentFor(nhs) });
    const failure = await client.create({ resourceType: 'Consent', body: consentFor(nhs) }).catch((e: unknown) => e);
    const { status, data } = (failure as { response: { status: number; data: Json } }).response;
    expect(status).toBe(422);
    expect(JSON.stringify(data)).toContain('DUPLICATE_REJECTED');
  });
});
