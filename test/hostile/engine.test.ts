/**
 * Hostile targets, in process (issue 6): for each transport-level misbehaviour the scenario ends within the
 * short limits of HOSTILE_SETTINGS (a hang would exceed RUN_BUDGET_MS and fail the test), its first step is
 * an error with the reason of expected.yaml (not a failure, not a pass), and the report built from it is
 * written and valid. A 500 FHIR OperationOutcome is the control: there a failure is proven.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../reporters/build-report.js';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { writeReports } from '../../reporters/write-reports.js';
import { loadCheckedSuites } from '../../src/engine/checked-suites.js';
import { loadRequirements, PatientSource, runScenario, selectRuns, type ScenarioResult } from '../../src/engine/index.js';
import { sharedValidator } from '../../src/validation/index.js';
import { HOSTILE_MODES, HUGE_BODY_BYTES, startHostileTarget, type HostileMode } from './hostile-target.js';
import { EXPECTED, HOSTILE_SETTINGS, RUN_BUDGET_MS, validateReport, watchUnhandledRejections } from './support.js';

const rejections = watchUnhandledRejections();
afterAll(() => rejections.stop());

const runs = new Map(selectRuns(loadCheckedSuites(), HOSTILE_SETTINGS).map((run) => [run.name, run]));
const patients = new PatientSource({ seed: 23 });
const tmp = mkdtempSync(join(tmpdir(), 'ndop-hostile-engine-'));

async function runAgainst(mode: HostileMode, name: string, url: string): Promise<ScenarioResult> {
  const run = runs.get(name);
  if (!run) throw new Error(`expected.yaml names ${name}, which is not a scenario run`);
  return runScenario(run.scenario, run.format, { baseUrl: url, settings: HOSTILE_SETTINGS, patients, validator: sharedValidator });
}

function writtenReport(mode: HostileMode, results: ScenarioResult[]): AssuranceReport {
  const now = new Date();
  const report = buildReport(results.map((result) => ({ result, suite: 'hostile' })), loadRequirements(), {
    toolVersion: '0.0.0', targetUrl: mode, embedded: false, startedAt: now, finishedAt: now, formats: ['xml', 'json'],
  });
  return JSON.parse(readFileSync(writeReports(report, join(tmp, mode)).json, 'utf8'));
}

describe('a hostile target', () => {
  for (const mode of HOSTILE_MODES) {
    const expected = EXPECTED[mode];
    it(`${mode}: ${expected.runs.join(', ')} end ${expected.verdict === 'error' ? 'in error' : 'failed'}, with the reason, and the report is valid`, async () => {
      const target = await startHostileTarget(mode);
      const results: ScenarioResult[] = [];
      try {
        for (const name of expected.runs) results.push(await runAgainst(mode, name, target.url));
      } finally {
        await target.close();
      }
      for (const result of results) {
        expect(result.status).toBe(expected.verdict);
        const problem = result.steps[0]!.assertions.find((a) => a.status !== 'passed');
        expect(problem?.message).toMatch(new RegExp(expected.message));
        const verdicts = result.steps.flatMap((s) => s.assertions.map((a) => a.status));
        // Could not be tested is never reported as a conformance failure.
        if (expected.verdict === 'error') expect(verdicts).not.toContain('failed');
      }
      const report = writtenReport(mode, results);
      expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
      expect(report.verdict).toBe(expected.verdict === 'error' ? 'error' : 'non-conformant');
    }, RUN_BUDGET_MS);
  }

  it('huge-body: the 50 MB body is never read whole, and memory stays bounded', async () => {
    const target = await startHostileTarget('huge-body');
    const baseline = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak = Math.max(peak, now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
    }, 2);
    try {
      const result = await runAgainst('huge-body', 'search-empty [json]', target.url);
      expect(result.status).toBe('error');
    } finally {
      clearInterval(sampler);
      await target.close();
    }
    // Reading stopped at the 1 MiB limit: the target could hand over only what the socket buffers hold beyond it.
    expect(target.bytesSent()).toBeLessThan(HUGE_BODY_BYTES / 2);
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  }, RUN_BUDGET_MS);

  it('raised no unhandled promise rejection in any mode', () => {
    expect(rejections.seen).toEqual([]);
  });
});
