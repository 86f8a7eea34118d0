/**
 * Patients against a persistent target: a synthetic patient the target already holds Consents for (from an
 * earlier run) is searched for and replaced before the scenario uses it, so search-empty does not fail falsely;
 * the embedded server and fixed patients are not searched; and when no fresh patient turns up, the scenario is
 * an error that says why.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { loadCheckedSuites } from '../../src/engine/checked-suites.js';
import { unusedPatient, MAX_PATIENT_TRIES } from '../../src/engine/fresh-patients.js';
import { PatientSource, runScenarioDetailed, type Scenario } from '../../src/engine/index.js';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import { sharedValidator } from '../../src/validation/index.js';

const settings = { ...DEFAULT_SETTINGS, bodyTimeoutMs: 5_000 };
const scenarios = new Map<string, Scenario>(loadCheckedSuites().flatMap((f) => f.scenarios.map((s) => [s.id, s] as const)));
const SEED = 4_242;
let reference: RunningServer;

beforeAll(async () => {
  reference = await startReferenceServer({ port: 0 });
  // An earlier run against the same target: its first patient now holds a Consent.
  const earlier = await runScenarioDetailed(scenarios.get('create-returns-location')!, 'json', { baseUrl: reference.url, settings, patients: new PatientSource({ seed: SEED }), validator: sharedValidator });
  expect(earlier.result.status).toBe('passed');
});
afterAll(() => reference?.close());

describe('fresh patients on a persistent target', () => {
  it('a patient the target holds Consents for is replaced, so search-empty passes', async () => {
    const taken = new PatientSource({ seed: SEED }).fresh().nhsNumber;
    const run = await runScenarioDetailed(scenarios.get('search-empty')!, 'json', { baseUrl: reference.url, settings, patients: new PatientSource({ seed: SEED }), persistentTarget: true, validator: sharedValidator });
    expect(run.result.status).toBe('passed');
    expect(run.patients).not.toContain(taken);
  });

  it('without the search (the embedded server is new each run) the reused patient is not replaced', async () => {
    const run = await runScenarioDetailed(scenarios.get('search-empty')!, 'json', { baseUrl: reference.url, settings, patients: new PatientSource({ seed: SEED }), validator: sharedValidator });
    expect(run.result.status).toBe('failed');
  });

  it('fixed patients belong to the environment: they are used as configured, never searched or replaced', async () => {
    const fixed = new PatientSource({ seed: SEED }).fresh().nhsNumber;
    const run = await runScenarioDetailed(scenarios.get('search-empty')!, 'json', { baseUrl: reference.url, settings, patients: new PatientSource({ fixed: [fixed] }), persistentTarget: true, validator: sharedValidator });
    expect(run.patients).toEqual([fixed, fixed]);
  });

  it('tries a bounded number of patients, then fails with the numbers it tried', async () => {
    let asked = 0;
    await expect(unusedPatient(new PatientSource({ seed: 1 }), async () => (asked++, true))).rejects.toThrow(
      new RegExp(`^no fresh synthetic patient: the target already holds Consents for every one of the ${MAX_PATIENT_TRIES} NHS numbers tried \\((999\\d{7}, ){${MAX_PATIENT_TRIES - 1}}999\\d{7}\\)`),
    );
    expect(asked).toBe(MAX_PATIENT_TRIES);
  });
});

describe('a target that holds Consents for every patient', () => {
  let server: http.Server;
  let url = '';
  const searches: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      searches.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: 1 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('errors the scenario before any step, with the reason, and sends nothing but the searches', async () => {
    const scenario = scenarios.get('search-empty')!;
    const run = await runScenarioDetailed(scenario, 'json', { baseUrl: url, settings, patients: new PatientSource({ seed: 77 }), persistentTarget: true, validator: sharedValidator });
    expect(run.result.status).toBe('error');
    expect(run.result.steps).toHaveLength(1);
    expect(run.result.steps[0]!.assertions[0]!.message).toMatch(new RegExp(`^no fresh synthetic patient: the target already holds Consents for every one of the ${MAX_PATIENT_TRIES} NHS numbers tried`));
    expect(run.result.skippedSteps).toEqual(scenario.steps.map((s) => s.name));
    expect(searches).toHaveLength(2 * MAX_PATIENT_TRIES);
    for (const s of searches) expect(s).toMatch(/^\/Consent\?patient=https:\/\/demographics\.spineservices\.nhs\.uk\/STU3\/Patient\/999\d{7}$/);
  });
});
