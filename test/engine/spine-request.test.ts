/**
 * What the engine sends to a Spine target, seen by a server that records every request and echoes the
 * token back: Spine headers with a fresh trace id per request, a new JWT per request whose scope fits the
 * interaction, scenario overrides, and no secret in the step's result even when the target echoes it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type EngineSettings } from '../../src/config/settings.js';
import { openTarget, PatientSource, runScenario, type Scenario } from '../../src/engine/index.js';
import { scrubSecrets } from '../../src/engine/secrets.js';
import { createValidator } from '../../src/validation/index.js';

const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ method: req.method!, url: req.url!, headers: req.headers });
    const echoed = String(req.headers.authorization ?? req.headers['ssp-authorization'] ?? '');
    const body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `you sent ${echoed}` }] });
    res.writeHead(200, { 'content-type': 'application/fhir+json', 'x-echo-authorization': echoed, 'x-echo-key': String(req.headers['x-api-key'] ?? '') }).end(body);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const API_KEY = 'gateway-key-5f0c2a';
const settings: EngineSettings = {
  ...DEFAULT_SETTINGS,
  secretHeaders: ['X-Api-Key'],
  spine: { from: '918999198738', to: '928942012545', interactionIds: { create: 'urn:example:create' }, headers: { 'X-Api-Key': API_KEY } },
  odsCode: 'A12345',
};

function run(steps: Scenario['steps'], s: EngineSettings = settings) {
  received.length = 0;
  const scenario: Scenario = { id: 'spine-headers', title: 'spine headers are sent', requirements: ['NDOP-SEC-003'], formats: ['json'], steps };
  return runScenario(scenario, 'json', { baseUrl, settings: s, patients: new PatientSource({ seed: 11 }), validator: createValidator });
}

const bearer = (headers: IncomingHttpHeaders) => String(headers.authorization).replace(/^Bearer /, '');

describe('requests to a Spine target', () => {
  it('carry Spine headers and a new JWT per request, with the interaction’s id and scope', async () => {
    await run([
      { name: 'read the capability statement', request: { method: 'GET', path: '/metadata' } },
      { name: 'search for the second patient', request: { method: 'GET', path: '/Consent?patient={{patient2.ref}}' } },
      { name: 'create a consent', request: { method: 'POST', path: '/Consent', body: '{}' } },
      { name: 'update a consent', request: { method: 'PUT', path: '/Consent/abc', body: '{}' } },
      { name: 'search three times at once', request: { method: 'GET', path: '/Consent?patient={{patient.ref}}' }, parallel: 3 },
    ]);
    expect(received).toHaveLength(7);
    const expected = [
      ['urn:nhs:names:services:nationaldataoptout:fhir:rest:read:metadata', 'consent/*.read'],
      ['urn:nhs:names:services:nationaldataoptout:fhir:rest:search:consent', 'consent/*.read'],
      ['urn:example:create', 'consent/*.create'],
      ['urn:nhs:names:services:nationaldataoptout:fhir:rest:update:consent', 'consent/*.update'],
    ];
    for (const [i, [interactionId, scope]] of expected.entries()) {
      const headers = received[i]!.headers;
      expect(headers['ssp-interactionid']).toBe(interactionId);
      expect(decodeJwt(bearer(headers)).requested_scopes).toBe(scope);
    }
    for (const { headers } of received) {
      expect(headers).toMatchObject({ 'ssp-from': '918999198738', 'ssp-to': '928942012545', 'x-api-key': API_KEY });
      expect(decodeJwt(bearer(headers))).toMatchObject({ requesting_system: 'https://fhir.nhs.uk/Id/accredited-system|918999198738', sub: 'https://fhir.nhs.uk/Id/ods-organization-code|A12345' });
    }
    expect(new Set(received.map((r) => r.headers['ssp-traceid'])).size).toBe(7);
    expect(new Set(received.map((r) => r.headers.authorization)).size).toBe(7);
    const searched = decodeURIComponent(received[1]!.url.split('patient=')[1]!);
    expect(decodeJwt(bearer(received[1]!.headers)).requested_record).toEqual({ resourceType: 'Consent', patient: [{ reference: searched }] });
    expect(decodeJwt(bearer(received[0]!.headers))).not.toHaveProperty('requested_record');
  });

  it('leaves a header the scenario sets or removes to the scenario, and varies the token as the scenario asks', async () => {
    await run([
      { name: 'own interaction id, no token', request: { method: 'GET', path: '/metadata', headers: { 'Ssp-InteractionID': 'urn:own', Authorization: null } } },
      { name: 'omit the token', request: { method: 'GET', path: '/metadata', jwt: 'omit' } },
      { name: 'send a malformed token', request: { method: 'GET', path: '/metadata', jwt: 'malformed' } },
      { name: 'send an expired token', request: { method: 'GET', path: '/metadata', jwt: 'expired' } },
      { name: 'send other claims', request: { method: 'GET', path: '/metadata', jwt: { claims: { aud: 'https://elsewhere.example', scope: null, requested_scopes: 'consent/*.{{format}}' } } } },
    ]);
    expect(received[0]!.headers['ssp-interactionid']).toBe('urn:own');
    expect(received[0]!.headers).not.toHaveProperty('authorization');
    expect(received[1]!.headers).not.toHaveProperty('authorization');
    expect(received[2]!.headers.authorization).toBe('Bearer not-a-jwt');
    const expired = decodeJwt(bearer(received[3]!.headers));
    expect(expired.exp! < Date.now() / 1000).toBe(true);
    const varied = decodeJwt(bearer(received[4]!.headers));
    expect(varied.aud).toBe('https://elsewhere.example');
    expect(varied).not.toHaveProperty('scope');
    expect(varied.requested_scopes).toBe('consent/*.json');
  });

  it('puts the token in Ssp-Authorization when configured, and sends none with jwt mode off', async () => {
    await run([{ name: 'read the capability statement', request: { method: 'GET', path: '/metadata' } }], { ...settings, jwt: { ...settings.jwt, header: 'Ssp-Authorization' } });
    expect(received[0]!.headers).not.toHaveProperty('authorization');
    expect(decodeJwt(String(received[0]!.headers['ssp-authorization'])).iss).toBe('https://ndop-assure.local');
    await run([{ name: 'read the capability statement', request: { method: 'GET', path: '/metadata' } }], { ...settings, jwt: { ...settings.jwt, mode: 'off' } });
    expect(received[0]!.headers).not.toHaveProperty('authorization');
    expect(received[0]!.headers).not.toHaveProperty('ssp-authorization');
  });

  it('keeps every token and secret header value out of the result, even when the target echoes them', async () => {
    const result = await run([{ name: 'create a consent', request: { method: 'POST', path: '/Consent', body: '{}' }, parallel: 2 }]);
    const tokens = received.map((r) => bearer(r.headers));
    const text = JSON.stringify(result);
    for (const token of tokens) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[1]);
    }
    expect(text).not.toContain(API_KEY);
    const response = result.steps[0]!.evidence[0]!.response!;
    expect(response.headers['x-echo-authorization']).toBe('[redacted]');
    expect(response.body).toContain('you sent [redacted]');
  });
});

describe('signed audit JWTs', () => {
  it('are signed with the configured key, and the embedded target checks them with it', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'ndop-signed-')), 'es256.pem');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const signed: EngineSettings = { ...DEFAULT_SETTINGS, jwt: { ...DEFAULT_SETTINGS.jwt, mode: 'signed', algorithm: 'ES256', keyFile } };
    const target = await openTarget(undefined, signed);
    try {
      const search: Scenario = {
        id: 'signed-search', title: 'a signed search is served', requirements: ['NDOP-SEC-003'], formats: ['json'],
        steps: [{ name: 'search', request: { method: 'GET', path: '/Consent?patient={{patient.ref}}' }, expect: { status: 200 } }],
      };
      const ctx = { baseUrl: target.url, patients: new PatientSource({ seed: 3 }), validator: createValidator };
      expect((await runScenario(search, 'json', { ...ctx, settings: signed })).status).toBe('passed');
      // The same target refuses the unsigned token a run without the key would send.
      const unsigned = await runScenario(search, 'json', { ...ctx, settings: DEFAULT_SETTINGS });
      expect(unsigned.status).toBe('failed');
      expect(unsigned.steps[0]!.evidence[0]!.response!.status).toBe(401);
    } finally {
      await target.close();
    }
  });
});

describe('scrubSecrets', () => {
  it('replaces secrets and their long parts in every string, keys included, and leaves short values alone', () => {
    const token = 'eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL3gifQ.';
    const value = { message: `bad ${token}`, nested: [{ [`k-${token}`]: 'payload eyJpc3MiOiJodHRwczovL3gifQ only' }], short: 'abc' };
    expect(scrubSecrets(value, [token, 'abc'])).toEqual({ message: 'bad [redacted]', nested: [{ 'k-[redacted]': 'payload [redacted] only' }], short: 'abc' });
  });
});
