/**
 * Hostile targets through the real command (main(argv), in process, narrowed by --grep): the exit code is 3
 * when nothing could be tested and 1 when a conformance failure was proven, the reports are written and valid
 * whatever the target did, and nothing is left as an unhandled rejection.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { main } from '../../src/cli/main.js';
import { startHostileTarget, type HostileMode } from './hostile-target.js';
import { HOSTILE_CONFIG, RUN_BUDGET_MS, validateReport, watchUnhandledRejections } from './support.js';

const rejections = watchUnhandledRejections();
afterAll(() => rejections.stop());

const tmp = mkdtempSync(join(tmpdir(), 'ndop-hostile-command-'));
let output: { stdout: string[]; stderr: string[] };
let environment: NodeJS.ProcessEnv;

beforeEach(() => {
  // The command hands its settings to vitest through NDOP_* variables: each run starts from a clean copy.
  environment = { ...process.env };
  output = { stdout: [], stderr: [] };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (output.stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (output.stderr.push(String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
});

async function assure(mode: HostileMode, grep: string): Promise<{ code: number; report: AssuranceReport; dir: string }> {
  const target = await startHostileTarget(mode);
  const dir = join(tmp, mode);
  try {
    const code = await main(['--target', target.url, '--grep', grep, '--config', HOSTILE_CONFIG, '--report-dir', dir]);
    const report = JSON.parse(readFileSync(join(dir, 'assurance-report.json'), 'utf8')) as AssuranceReport;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(existsSync(join(dir, 'assurance-report.html'))).toBe(true);
    return { code, report, dir };
  } finally {
    await target.close();
  }
}

const stepErrors = (report: AssuranceReport): string[] => report.scenarios.flatMap((s) => s.steps.flatMap((st) => (st.error ? [st.error] : [])));
const assertionMessages = (report: AssuranceReport): string[] =>
  report.scenarios.flatMap((s) => s.steps.flatMap((st) => st.assertions.filter((a) => a.status !== 'passed').map((a) => a.message)));

describe('ndop-assure against a hostile target', () => {
  it('refused: exit 3 with one message, and a report that says nothing was tested', async () => {
    const { code, report } = await assure('refused', '^search-empty \\[json\\]$');
    expect(code).toBe(3);
    expect(output.stderr.join('').trim().split('\n')).toHaveLength(1);
    expect(output.stderr.join('')).toMatch(/cannot be reached: ECONNREFUSED .*Nothing was tested; report: .*assurance-report\.json/);
    expect(report.verdict).toBe('error');
    expect(report.scenarios.map((s) => `${s.id} ${s.status}`)).toEqual(['target-unreachable errored']);
    expect(report.requirements.every((r) => r.status === 'untested')).toBe(true);
    expect(report.selection).toMatchObject({ partial: true, selected: 1, grep: '^search-empty \\[json\\]$' });
  }, RUN_BUDGET_MS);

  it('silent: exit 3, the step an error naming the headers timeout', async () => {
    const { code, report, dir } = await assure('silent', '^search-empty \\[json\\]$');
    expect(code).toBe(3);
    expect(output.stdout.join('')).toContain('COULD NOT BE TESTED');
    expect(report.summary).toMatchObject({ total: 1, errored: 1, failed: 0, passed: 0 });
    expect(assertionMessages(report)).toEqual([expect.stringMatching(/gave HEADERS_TIMEOUT \(the target accepted the connection but sent no response headers within 500 ms\)$/)]);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('HEADERS_TIMEOUT');
  }, RUN_BUDGET_MS * 2);

  it('huge-body: exit 3 at the configured maxResponseBytes, the body never read whole', async () => {
    const { code, report } = await assure('huge-body', '^search-empty \\[json\\]$');
    expect(code).toBe(3);
    expect(stepErrors(report)).toEqual([expect.stringMatching(/^RESPONSE_TOO_LARGE: the target answered 200 application\/fhir\+json with a body over the limit of 1048576 bytes/)]);
  }, RUN_BUDGET_MS * 2);

  it('outcome-500: exit 1, a proven status failure', async () => {
    const { code, report } = await assure('outcome-500', '^create-returns-location \\[json\\]$');
    expect(code).toBe(1);
    expect(report.verdict).toBe('non-conformant');
    expect(assertionMessages(report)).toContain('Unexpected response status: expected 201, but received 500');
    expect(report.scenarios[0]!.steps[0]!.assertions.every((a) => a.status !== 'errored')).toBe(true);
  }, RUN_BUDGET_MS * 2);

  it('raised no unhandled promise rejection', () => {
    expect(rejections.seen).toEqual([]);
  });
});
