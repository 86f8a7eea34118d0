/**
 * The ndop-assure command as users and CI run it: a child process, its exit code, its output and
 * the files it writes. Targets are reference servers started here, conformant or with one fault.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ResponseFilter, type RunningServer } from '../../src/reference/index.js';
import type { AssuranceReport } from '../../reporters/report-types.js';

const BIN = fileURLToPath(new URL('../../bin/ndop-assure.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
const validateReport = ajv.compile(schema);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function ndopAssure(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  // Only the variables a user would set: none of the NDOP_* of the test process leak in.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NDOP_') && !k.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...clean, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'ndop-command-'));
const reportDir = (name: string) => join(tmp, name);
const readReport = (dir: string): AssuranceReport => JSON.parse(readFileSync(join(dir, 'assurance-report.json'), 'utf8'));

/** One fault, as issue 6's catalogue will have: a create answers 200 instead of 201. */
const createAnswers200: ResponseFilter = (result) => (result.interaction === 'create' && result.status === 201 ? { ...result, status: 200 } : result);

const CANARY = 'CANARY-7d1f3c9a-secret';
/** Leaks a secret in every response, in a cookie and in a header the configuration names as secret. */
const leakSecrets: ResponseFilter = (result) => ({ ...result, headers: { ...result.headers, 'Set-Cookie': `session=${CANARY}`, 'X-Api-Token': CANARY } });

let faulty: RunningServer;
let leaky: RunningServer;
let closedPort: number;

beforeAll(async () => {
  faulty = await startReferenceServer({ port: 0, responseFilters: [createAnswers200] });
  leaky = await startReferenceServer({ port: 0, responseFilters: [leakSecrets] });
  // A port that is certainly closed: bind one, note it, release it.
  const probe: Server = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
});

afterAll(async () => {
  await faulty?.close();
  await leaky?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('ndop-assure command', () => {
  it('documents every option, with examples, in --help', async () => {
    const run = await ndopAssure(['--help']);
    expect(run.code).toBe(0);
    for (const option of ['--target', '--format', '--config', '--report-dir', '--grep', '--timeout', '--list']) expect(run.stdout).toContain(option);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('Exit codes:');
  });

  it('lists scenarios and requirements without running anything', async () => {
    const run = await ndopAssure(['--list', '--grep', '^create-', '--target', `http://127.0.0.1:${closedPort}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/create-returns-location \[xml, json\]/);
    expect(run.stdout).not.toMatch(/search-empty/);
    expect(run.stdout).toMatch(/NDOP-\w+-\d+ +(MUST|SHALL|SHOULD|MAY)/);
  });

  it('exits 2 when --grep matches no scenario', async () => {
    const run = await ndopAssure(['--grep', '^no-such-scenario']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no scenario matches --grep "^no-such-scenario"');
  });

  it('exits 2 with one clear message on a bad option or configuration', async () => {
    const badFormat = await ndopAssure(['--format', 'yaml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format.*yaml.*(xml, json, both|Allowed choices)/s);
    const config = join(tmp, 'bad.yaml');
    writeFileSync(config, 'target: http://127.0.0.1:1\ncolour: blue\n');
    const badConfig = await ndopAssure(['--config', config]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain(`${config}: /: unknown key "colour"`);
  });

  it('exits 3 within the connect timeout when the target is down, with one message and no wall of failures', async () => {
    const run = await ndopAssure(['--target', `http://127.0.0.1:${closedPort}`, '--timeout', '2000', '--report-dir', reportDir('down')]);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot be reached: ECONNREFUSED/);
    expect(run.ms).toBeLessThan(15_000);
  });

  it('exits 1 against a server with a fault, and the reports show the failing exchange', async () => {
    const dir = reportDir('faulty');
    const run = await ndopAssure(['--target', faulty.url, '--grep', '^create-returns-location', '--report-dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT CONFORMANT');
    const report = readReport(dir);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.verdict).toBe('non-conformant');
    const failed = report.scenarios.filter((s) => s.status === 'failed');
    expect(failed.map((s) => `${s.id} [${s.format}]`).sort()).toEqual(['create-returns-location [json]', 'create-returns-location [xml]']);
    const step = failed[0]!.steps.find((s) => s.status === 'failed')!;
    expect(step.request?.method).toBe('POST');
    expect(step.response?.status).toBe(200);
    expect(step.assertions.some((a) => a.message === 'Unexpected response status: expected 201, but received 200')).toBe(true);
    const html = readFileSync(join(dir, 'assurance-report.html'), 'utf8');
    expect(html).toContain('Not conformant');
    expect(html).toContain('Unexpected response status: expected 201, but received 200');
    expect(html).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/Consent/);
    expect(html).toContain('HTTP 200');
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase[^>]*name="[^"]*create-returns-location \[xml\]"[^>]*>\s*<failure message="[^"]*Unexpected response status: expected 201, but received 200/);
    expect(readdirSync(join(dir, 'allure-results')).some((f) => f.endsWith('-result.json'))).toBe(true);
  });

  it('exits 0 against a conformant server and writes the four outputs', async () => {
    const dir = reportDir('conformant');
    const run = await ndopAssure(['--target', leaky.url, '--grep', '^(create|search)-', '--report-dir', dir], { NDOP_SECRET_HEADERS: 'X-Api-Token' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('CONFORMANT');
    const report = readReport(dir);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.verdict).toBe('conformant');
    expect(report.summary.failed + report.summary.errored).toBe(0);
    for (const name of ['assurance-report.json', 'assurance-report.html', 'junit.xml', 'allure-results']) expect(readdirSync(dir)).toContain(name);

    // The target leaked a secret in every response: it appears in no file written and no output.
    const leaks = filesUnder(dir).filter((file) => readFileSync(file, 'utf8').includes(CANARY));
    expect(leaks).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(CANARY);
  });

  it('(control) the canary search finds the secret when the header is not configured as secret', async () => {
    const dir = reportDir('control');
    const run = await ndopAssure(['--target', leaky.url, '--grep', '^search-empty', '--report-dir', dir]);
    expect(run.code).toBe(0);
    const leaks = filesUnder(dir).filter((file) => readFileSync(file, 'utf8').includes(CANARY));
    expect(leaks.map((f) => f.slice(dir.length + 1))).toContain('assurance-report.json');
    // The cookie stays redacted even so: cookies are always secret.
    expect(readFileSync(join(dir, 'assurance-report.json'), 'utf8')).not.toContain(`session=${CANARY}`);
  });
});
