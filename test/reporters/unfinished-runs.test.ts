/**
 * The assurance reporter under a real vitest run of fixture modules: a module that fails to load, a setup
 * hook that fails, and a test vitest skips each become errored runs with their reason, never missing ones.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';
import type { AssuranceReport, ReportScenario } from '../../reporters/report-types.js';
import { AssuranceReporter } from '../../reporters/vitest-assurance.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/unfinished-runs/', import.meta.url));
const schema = JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
const validateReport = ajv.compile(schema);

const quiet = () => new Writable({ write: (_chunk, _encoding, done) => done() });
let report: AssuranceReport;
let written: AssuranceReport;

beforeAll(async () => {
  const reportDir = mkdtempSync(join(tmpdir(), 'ndop-unfinished-'));
  const reporter = new AssuranceReporter({
    reportDir, toolVersion: '0.0.0', requirements: [], formats: ['xml', 'json'], targetUrl: 'http://127.0.0.1:1',
    selection: { selected: 5, available: 5 },
  });
  const vitest = await createVitest('test', {
    root: FIXTURES, config: false, watch: false, include: ['*.spec.ts'], reporters: [reporter],
    // Leaves one selected run out, as a stray filter would: vitest reports it as skipped.
    testNamePattern: /^(?!.*search-filtered)/,
  }, {}, { stdout: quiet(), stderr: quiet() });
  try {
    await vitest.start();
  } finally {
    await vitest.close();
  }
  report = reporter.report!;
  written = JSON.parse(readFileSync(join(reportDir, 'assurance-report.json'), 'utf8'));
}, 60_000);

const byId = (id: string): ReportScenario[] => report.scenarios.filter((s) => s.id === id);

describe('runs vitest did not complete', () => {
  it('a module that fails to load is an errored run naming the module and the reason', () => {
    const [run] = byId('load-failure.spec.ts');
    expect(run).toMatchObject({ status: 'errored', format: 'none', title: 'The scenario module could not be loaded' });
    expect(run!.message).toContain('load-failure.spec.ts failed to load, so none of its scenarios ran: NDOP_FORMAT: format "yaml" is not one of xml, json, both');
  });

  it('runs skipped because a setup hook failed are errored runs carrying the hook error', () => {
    const runs = byId('create-a');
    expect(runs.map((r) => `${r.format} ${r.status} ${r.suite}`).sort()).toEqual(['json errored create', 'xml errored create']);
    for (const r of runs) expect(r.message).toMatch(/vitest skipped this run; the scenario module reported: the embedded reference server did not start/);
  });

  it('a run vitest skipped for no stated reason is errored, never silently missing', () => {
    const [run] = byId('search-filtered');
    expect(run).toMatchObject({ status: 'errored', format: 'json' });
    expect(run!.message).toContain('vitest skipped this run (it gave no reason)');
  });

  it('a run that completed keeps its own result, and the report is written, valid and not conformant', () => {
    expect(byId('search-a').map((r) => r.status)).toEqual(['passed']);
    expect(report.summary).toMatchObject({ total: 5, passed: 1, errored: 4 });
    expect(report.verdict).toBe('error');
    expect(report.selection).toEqual({ partial: false, selected: 5, available: 5 });
    expect(written).toEqual(report);
    expect(validateReport(written), JSON.stringify(validateReport.errors)).toBe(true);
  });
});
