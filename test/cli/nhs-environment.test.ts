/**
 * End to end, as nightly CI runs against an NHS test environment: the reference server started as a
 * process with HTTPS, mutual TLS and --require-jwt, and the whole suite (the opt-in security suite
 * included) run by the command with examples/nhs-int.yaml, only its target and certificate files
 * swapped for the ones made here. Everything passes, with no warning.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { makeTestPki, type TestPki } from '../support/certificates.js';
import { ndopAssure, ROOT } from '../support/cli.js';
import { startReferenceProcess } from '../support/reference-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'ndop-nhs-environment-'));
let pki: TestPki;
let server: ReturnType<typeof startReferenceProcess>;
let url: string;

beforeAll(async () => {
  pki = makeTestPki();
  server = startReferenceProcess(['--port', '0', '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-ca', pki.ca, '--require-jwt']);
  [, url] = (await server.waitFor(/listening on (https:\/\/127\.0\.0\.1:\d+).*HTTPS with mutual TLS, audit JWT required/)) as [string, string];
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
});

describe('the whole suite against an HTTPS, mutual-TLS, JWT-requiring server with the sample NHS environment config', () => {
  it('passes every scenario, security included, and keeps the secrets out of the reports', async () => {
    const example = parse(readFileSync(join(ROOT, 'examples/nhs-int.yaml'), 'utf8')) as Record<string, unknown> & { tls: Record<string, string> };
    const reportDir = join(tmp, 'reports');
    const config = { ...example, target: url, reportDir, tls: { ...example.tls, pfx: pki.clientP12, ca: pki.ca } };
    const configFile = join(tmp, 'int.yaml');
    writeFileSync(configFile, stringify(config));

    const run = await ndopAssure(['--config', configFile, '--opt-in', 'security'], { [example.tls.passphraseEnv!]: pki.p12Passphrase }, 300_000);
    expect(run.code, `${run.stdout.slice(-3000)}\n${run.stderr}`).toBe(0);
    const report = JSON.parse(readFileSync(join(reportDir, 'assurance-report.json'), 'utf8')) as AssuranceReport;
    expect(report.verdict).toBe('conformant');
    expect(report.target.url).toBe(url);
    expect(report.summary).toMatchObject({ failed: 0, errored: 0, skipped: 0, warnings: 0 });
    const suites = new Set(report.scenarios.map((s) => s.suite));
    for (const suite of ['search', 'create', 'update', 'history', 'formats', 'errors', 'concurrency', 'capability', 'security']) expect(suites).toContain(suite);
    expect(report.testData?.createdIds?.length).toBeGreaterThan(10);
    // The server refused only what the security suite sent on purpose: one request per security scenario run.
    const refused = server.output().split('\n').filter((line) => / (401|403) [\d.]+ms$/.test(line));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(report.scenarios.filter((s) => s.suite === 'security').length);
    const json = readFileSync(join(reportDir, 'assurance-report.json'), 'utf8');
    expect(json).not.toContain('eyJhbGciOiJub25l');
    expect(json).not.toContain(pki.p12Passphrase);
  });
});
