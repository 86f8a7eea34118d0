import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { PatientSource, runScenario, type Scenario } from '../../src/engine/index.js';
import { createValidator } from '../../src/validation/index.js';

/** Answers by path: /created gives 201 with a Location, /plain 200 text, /missing 404 with no Location. */
let server: http.Server;
let ctx: Parameters<typeof runScenario>[2];
const seen: string[] = [];
const raceCounts = new Map<string, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/created') {
      res.writeHead(201, { location: `http://${req.headers.host}/Consent/abc/_history/1` });
      return void res.end();
    }
    // /race/<key>/<n>: the first n requests for a key get 201, the others have their connection reset.
    const race = /^\/race\/(\w+)\/(\d+)$/.exec(req.url ?? '');
    if (race) {
      const served = (raceCounts.get(race[1]!) ?? 0) + 1;
      raceCounts.set(race[1]!, served);
      if (served > Number(race[2])) return void req.socket.destroy();
      res.writeHead(201, { location: `http://${req.headers.host}/Consent/r${served}/_history/1` });
      return void res.end();
    }
    if (req.url === '/html-500') {
      res.writeHead(500, { 'content-type': 'text/html' });
      return void res.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
    }
    if (req.url === '/outcome-500') {
      res.writeHead(500, { 'content-type': 'application/fhir+json' });
      return void res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }));
    }
    if (req.url === '/outcome-as-text-500') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return void res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'duplicate' }] }));
    }
    if (req.url === '/relative-location') {
      res.writeHead(201, { location: 'Consent/ABC/_history/v-7' });
      return void res.end();
    }
    if (req.url === '/bad-json') {
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      return void res.end('{"resourceType": ');
    }
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ctx = { baseUrl, settings: { ...DEFAULT_SETTINGS, bodyTimeoutMs: 2_000 }, patients: new PatientSource({ seed: 7 }), validator: createValidator };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const scenario = (steps: Scenario['steps']): Scenario => ({ id: 'probe', title: 'probe', requirements: ['NDOP-REST-002'], steps });

describe('runner', () => {
  // An absolute Location, and a relative one with an opaque versionId.
  it.each([['/created', '/Consent/abc/_history/1'], ['/relative-location', '/Consent/ABC/_history/v-7']])('threads captures into later steps (Location from %s)', async (path, read) => {
    seen.length = 0;
    const r = await runScenario(scenario([
      { name: 'create', request: { method: 'POST', path }, capture: [{ name: 'c', from: 'location' }], expect: { status: 201 } },
      { name: 'use', request: { method: 'GET', path: '/Consent/{{c.id}}/_history/{{c.versionId}}' }, expect: { status: 200 } },
    ]), 'json', ctx);
    expect(r.status).toBe('passed');
    expect(seen).toEqual([`POST ${path}`, `GET ${read}`]);
  });

  it('a failed step whose capture later steps need stops the scenario, and says so', async () => {
    const r = await runScenario(scenario([
      { name: 'create', request: { method: 'POST', path: '/missing' }, capture: [{ name: 'c', from: 'location' }], expect: { status: 201 } },
      { name: 'use', request: { method: 'GET', path: '/Consent/{{c.id}}' } },
    ]), 'xml', ctx);
    expect(r.status).toBe('failed');
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]!.stopReason).toBe('stopped: step "create" failed and later steps need its capture(s) c');
    expect(r.skippedSteps).toEqual(['use']);
  });

  it('a failed step nobody depends on lets the scenario go on', async () => {
    const r = await runScenario(scenario([
      { name: 'first', request: { method: 'GET', path: '/missing' }, expect: { status: 200 } },
      { name: 'second', request: { method: 'GET', path: '/plain' }, expect: { status: 200 } },
    ]), 'json', ctx);
    expect(r.steps.map((s) => s.status)).toEqual(['failed', 'passed']);
    expect(r.status).toBe('failed');
  });

  it('an unparseable body where a resource is needed is an error and stops the scenario', async () => {
    const r = await runScenario(scenario([
      { name: 'read', request: { method: 'GET', path: '/bad-json' }, expect: { status: 200, resourceType: 'Bundle' } },
      { name: 'never', request: { method: 'GET', path: '/plain' } },
    ]), 'json', ctx);
    expect(r.status).toBe('error');
    expect(r.steps[0]!.stopReason).toMatch(/could not be tested/);
    expect(r.skippedSteps).toEqual(['never']);
  });

  it('an HTML 500 page is an error that stops the scenario, not a failure', async () => {
    const r = await runScenario(scenario([
      { name: 'create', request: { method: 'POST', path: '/html-500' }, capture: [{ name: 'c', from: 'location' }], expect: { status: 201 } },
      { name: 'never', request: { method: 'GET', path: '/plain' } },
    ]), 'json', ctx);
    expect(r.status).toBe('error');
    expect(r.steps[0]!.assertions).toEqual([{
      name: 'response', level: 'MUST', status: 'error',
      message: 'the target answered 500 text/html, not a FHIR response; nothing could be checked',
    }]);
    expect(r.skippedSteps).toEqual(['never']);
  });

  it('a 500 OperationOutcome where a 4xx is expected is a failure', async () => {
    const r = await runScenario(scenario([
      { name: 'create', request: { method: 'POST', path: '/outcome-500' }, expect: { status: 422, operationOutcome: { severity: 'error' } } },
    ]), 'json', ctx);
    expect(r.status).toBe('failed');
    expect(r.steps[0]!.assertions.map((a) => a.message)).toEqual(['Unexpected response status: expected 422, but received 500']);
  });

  it('a 500 OperationOutcome labelled text/plain is the server answering: a failure, not an error', async () => {
    const r = await runScenario(scenario([
      { name: 'create', request: { method: 'POST', path: '/outcome-as-text-500' }, expect: { status: [422, 500], operationOutcome: { code: 'duplicate' } } },
    ]), 'json', ctx);
    expect(r.status).toBe('failed');
    expect(r.steps[0]!.assertions.map((a) => [a.name, a.status])).toEqual([['status', 'passed'], ['Content-Type', 'failed'], ['OperationOutcome issue', 'passed']]);
  });

  it('a parallel step with a reset request still fails when the completed ones prove it', async () => {
    const r = await runScenario(scenario([
      { name: 'race', parallel: 3, request: { method: 'POST', path: '/race/twice/2' }, expect: { status: [201, 422], statusCount: { '201': 1 } } },
    ]), 'json', ctx);
    expect(r.status).toBe('failed');
    const [unchecked, count] = r.steps[0]!.assertions;
    expect(unchecked).toMatchObject({ name: 'parallel requests', status: 'error' });
    expect(unchecked!.message).toMatch(/^1 of 3 parallel requests could not be checked; the first: Request could not be completed: POST http:\/\/127\.0\.0\.1:\d+\/race\/twice\/2 gave /);
    expect(count).toMatchObject({ name: 'count of 201 responses', status: 'failed' });
    expect(r.steps[0]!.evidence).toHaveLength(3);
  });

  it('a parallel step with a reset request is an error when the completed ones prove nothing', async () => {
    const r = await runScenario(scenario([
      { name: 'race', parallel: 3, request: { method: 'POST', path: '/race/once/1' }, expect: { status: [201, 422], statusCount: { '201': 1 } } },
    ]), 'json', ctx);
    expect(r.status).toBe('error');
    expect(r.steps[0]!.assertions.map((a) => a.name)).toEqual(['parallel requests']);
    expect(r.steps[0]!.assertions[0]!.message).toMatch(/^2 of 3 parallel requests could not be checked/);
  });

  it('a refused connection is an error with the transport code', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runScenario(scenario([{ name: 'read', request: { method: 'GET', path: '/x' }, expect: { status: 200 } }]), 'json',
      { ...ctx, baseUrl: `http://127.0.0.1:${port}` });
    expect(r.status).toBe('error');
    expect(r.steps[0]!.assertions[0]!.message).toMatch(/^Request could not be completed: GET http:\/\/127\.0\.0\.1:\d+\/x gave ECONNREFUSED/);
  });

  it('SHOULD expectations give warnings, not failures', async () => {
    const r = await runScenario(scenario([
      { name: 'read', request: { method: 'GET', path: '/plain' }, expect: { status: 200, headers: [{ name: 'ETag', present: true, level: 'SHOULD' }] } },
    ]), 'json', ctx);
    expect(r.status).toBe('warning');
  });

  it('an undefined template variable is a step error naming it', async () => {
    const r = await runScenario(scenario([{ name: 'read', request: { method: 'GET', path: '/Consent/{{nope.id}}' } }]), 'json', ctx);
    expect(r.steps[0]!.assertions[0]!.message).toBe('Scenario step cannot be built: template variable {{nope.id}} is not defined');
  });
});
