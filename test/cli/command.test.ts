/**
 * The ndop-assure command as users and CI run it: a child process, its exit code, its output and
 * the files it writes. Targets are reference servers started here, conformant or with one fault.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ResponseFilter, type RunningServer } from '../../src/reference/index.js';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { makeTestPki } from '../support/certificates.js';
import { filesUnder, ndopAssure } from '../support/cli.js';

const schema = JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
const validateReport = ajv.compile(schema);

const tmp = mkdtempSync(join(tmpdir(), 'ndop-command-'));
const reportDir = (name: string) => join(tmp, name);
const readReport = (dir: string): AssuranceReport => JSON.parse(readFileSync(join(dir, 'assurance-report.json'), 'utf8'));

/** One fault, as issue 6's catalogue will have: a create answers 200 instead of 201. */
const createAnswers200: ResponseFilter = (result) => (result.interaction === 'create' && result.status === 201 ? { ...result, status: 200 } : result);

const CANARY = 'CANARY-7d1f3c9a-secret';
/** Leaks a secret in every response, in a cookie and in a header the configuration names as secret. */
const leakSecrets: ResponseFilter = (result) => ({ ...result, headers: { ...result.headers, 'Set-Cookie': `session=${CANARY}`, 'X-Api-Token': CANARY } });

/** Echoes the credentials it received back in response headers: the audit JWT and the gateway key. */
const echoCredentials: ResponseFilter = (result, exchange) => ({
  ...result,
  headers: { ...result.headers, 'X-Echo-Authorization': String(exchange.req.headers.authorization ?? ''), 'X-Echo-Key': String(exchange.req.headers['x-api-key'] ?? '') },
});
const GATEWAY_KEY = 'CANARY-gateway-key-31e8b2';
/** The start of every unsigned audit JWT: base64url of {"alg":"none". */
const UNSIGNED_JWT_START = 'eyJhbGciOiJub25l';

let faulty: RunningServer;
let leaky: RunningServer;
let echoing: RunningServer;
let pki: ReturnType<typeof makeTestPki>;
let closedPort: number;

beforeAll(async () => {
  faulty = await startReferenceServer({ port: 0, responseFilters: [createAnswers200] });
  leaky = await startReferenceServer({ port: 0, responseFilters: [leakSecrets] });
  pki = makeTestPki();
  echoing = await startReferenceServer({ port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca }, requireJwt: {}, responseFilters: [echoCredentials] });
  // A port that is certainly closed: bind one, note it, release it.
  const probe: Server = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
});

afterAll(async () => {
  await faulty?.close();
  await leaky?.close();
  await echoing?.close();
});

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

  it('writes allure-results for this run only, when the report directory holds an earlier run', async () => {
    const dir = reportDir('rerun');
    const results = () => readdirSync(join(dir, 'allure-results')).filter((f) => f.endsWith('-result.json')).sort();
    const args = ['--target', leaky.url, '--grep', '^capability-statement ', '--report-dir', dir];
    expect((await ndopAssure(args)).code).toBe(0);
    const first = results();
    expect(first).toHaveLength(2);
    expect((await ndopAssure(args)).code).toBe(0);
    const second = results();
    // One result per scenario run (xml and json) of the second run; none of the first is left.
    expect(second).toHaveLength(2);
    expect(second.filter((f) => first.includes(f))).toEqual([]);
    // The earlier results were moved aside and deleted during the run: nothing of them is left in the directory.
    expect(readdirSync(dir).filter((name) => name.startsWith('allure-results.'))).toEqual([]);
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

  it('keeps audit JWTs, the TLS passphrase and secret header values out of every file and the console, even when the target echoes them', async () => {
    const dir = reportDir('echoing');
    const env = {
      NDOP_TLS_PFX: pki.clientP12, NDOP_TLS_PASSPHRASE: pki.p12Passphrase, NDOP_TLS_CA: pki.ca,
      NDOP_EXTRA_HEADERS: JSON.stringify({ 'X-Api-Key': GATEWAY_KEY }), NDOP_SECRET_HEADERS: 'X-Api-Key',
    };
    const run = await ndopAssure(['--target', echoing.url, '--grep', '^(create|search)-', '--report-dir', dir], env);
    expect(run.code, run.stderr).toBe(0);
    for (const secret of [UNSIGNED_JWT_START, GATEWAY_KEY, pki.p12Passphrase]) {
      expect(filesUnder(dir).filter((file) => readFileSync(file, 'utf8').includes(secret)).map((f) => f.slice(dir.length + 1))).toEqual([]);
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    // The target did echo them: the report shows where, scrubbed.
    const response = readReport(dir).scenarios[0]!.steps[0]!.response!;
    expect([response.headers['x-echo-authorization'], response.headers['x-echo-key']]).toEqual(['[redacted]', '[redacted]']);
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
