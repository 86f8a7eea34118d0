/**
 * The command's own checks around a run, in process with the run itself replaced: an unwritable report
 * directory stops it before anything runs (exit 2), and a report that does not account for every selected
 * run is never taken as complete (exit 3, naming the missing runs).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildReport } from '../../reporters/build-report.js';
import type { ScenarioResult, Verdict } from '../../src/engine/results.js';

const ran = vi.hoisted(() => ({ results: [] as ScenarioResult[], calls: 0 }));

vi.mock('../../src/cli/run-scenarios.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/cli/run-scenarios.js')>();
  return {
    ...actual,
    runScenarios: async () => {
      ran.calls++;
      const now = new Date();
      const report = buildReport(ran.results.map((result) => ({ result })), [], {
        toolVersion: '0.0.0', targetUrl: 'http://127.0.0.1:1', embedded: true, startedAt: now, finishedAt: now, formats: ['xml', 'json'],
      });
      return { report, files: { json: 'r.json', html: 'r.html', junit: 'j.xml', allure: 'a' } };
    },
  };
});

const { main } = await import('../../src/cli/main.js');

const result = (format: 'xml' | 'json', status: Verdict): ScenarioResult =>
  ({ id: 'create-returns-location', title: 't', format, requirements: ['NDOP-REST-005'], status, steps: [], skippedSteps: [] });

let stderr: string[];
const tmp = mkdtempSync(join(tmpdir(), 'ndop-main-checks-'));
const args = (...more: string[]) => ['--grep', '^create-returns-location', '--report-dir', join(tmp, 'reports'), ...more];

beforeEach(() => {
  stderr = [];
  ran.calls = 0;
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('ndop-assure checks around the run', () => {
  it('a report that holds every selected run is accepted (exit 0)', async () => {
    ran.results = [result('xml', 'passed'), result('json', 'passed')];
    expect(await main(args())).toBe(0);
    expect(stderr.join('')).toBe('');
  });

  it('a report missing a selected run is exit 3, naming the run', async () => {
    ran.results = [result('json', 'passed')];
    expect(await main(args())).toBe(3);
    expect(stderr.join('')).toBe(
      'ndop-assure: the report holds 1 scenario runs but 2 were selected; missing: create-returns-location [xml]. The target was not fully tested.\n');
  });

  it('a proven failure stays exit 1 when runs are missing, and the missing ones are still named', async () => {
    ran.results = [result('json', 'failed')];
    expect(await main(args())).toBe(1);
    expect(stderr.join('')).toContain('missing: create-returns-location [xml]');
  });

  it('an unwritable report directory is exit 2 before anything runs', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'not a directory');
    expect(await main(['--grep', '^create-returns-location', '--report-dir', join(file, 'reports')])).toBe(2);
    expect(stderr.join('')).toMatch(new RegExp(`^ndop-assure: the report directory ${file}/reports cannot be created or written \\(ENOTDIR: .+\\); choose another with --report-dir\\. Nothing was run\\.\\n$`));
    expect(ran.calls).toBe(0);
  });
});
