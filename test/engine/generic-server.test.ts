/**
 * The harness tested with a server that breaks NDOP rules (practice 11): the run completes, and exactly the
 * scenarios listed in generic-server.expected.yaml fail, each message saying what was expected and what came back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { PatientSource, formatsFor, loadSuites, runScenario, type ScenarioResult } from '../../src/engine/index.js';
import { createValidator, type Validator } from '../../src/validation/index.js';
import { startGenericServer } from './generic-fhir-server.js';

const expected = parse(readFileSync(new URL('./generic-server.expected.yaml', import.meta.url), 'utf8')) as { failing: { id: string; because: string }[] };
let server: { url: string; close(): Promise<void> };
let validator: Validator | undefined;
const results: ScenarioResult[] = [];

beforeAll(async () => {
  server = await startGenericServer();
  const ctx = { baseUrl: server.url, settings: { ...DEFAULT_SETTINGS, bodyTimeoutMs: 5_000 }, patients: new PatientSource(), validator: () => (validator ??= createValidator()) };
  for (const file of loadSuites()) {
    for (const scenario of file.scenarios) {
      for (const format of formatsFor(scenario, DEFAULT_SETTINGS)) results.push(await runScenario(scenario, format, ctx));
    }
  }
}, 120_000);
afterAll(() => server?.close());

describe('a generic FHIR server that ignores NDOP rules', () => {
  it('completes the run without errors (every scenario reached a verdict on a reachable target)', () => {
    expect(results.filter((r) => r.status === 'error').map((r) => `${r.id} [${r.format}]`)).toEqual([]);
  });

  it('fails exactly the expected scenarios, in both formats', () => {
    const failed = (format: string) => results.filter((r) => r.format === format && r.status === 'failed').map((r) => r.id).sort();
    expect(failed('xml')).toEqual(expected.failing.map((f) => f.id).sort());
    expect(failed('json')).toEqual(expected.failing.map((f) => f.id).sort());
  });

  it('every failure says what was expected and what came back', () => {
    const failures = results.flatMap((r) => r.steps.flatMap((s) => s.assertions.filter((a) => a.status === 'failed')));
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.message).toMatch(/^Unexpected .+: expected .+, but received .+/s);
  });
});
