/**
 * The command against a Spine-like target: mutual TLS with certificates made here (the right client
 * certificate works; none, or one from another CA, is exit 3 with a clear message and no hang), the
 * write guard (exit 2 before anything is sent), opt-in suites and the help for all of it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { makeTestPki, type TestPki } from '../support/certificates.js';
import { ndopAssure } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ndop-spine-command-'));
let pki: TestPki;
let mutual: RunningServer;

beforeAll(async () => {
  pki = makeTestPki();
  mutual = await startReferenceServer({ port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca }, requireJwt: {} });
});
afterAll(async () => {
  await mutual?.close();
});

function config(name: string, tls: Record<string, string>): string {
  const path = join(tmp, `${name}.yaml`);
  writeFileSync(path, `target: ${mutual.url}\ntls: ${JSON.stringify(tls)}\n`);
  return path;
}

describe('ndop-assure against a target with mutual TLS and the audit JWT required', () => {
  it('passes with the right client certificate (config file) and reports the patients and Consents it made', async () => {
    const dir = join(tmp, 'right');
    const run = await ndopAssure(['--config', config('right', { cert: pki.clientCert, key: pki.clientKey, ca: pki.ca }), '--grep', '^create-returns-location', '--report-dir', dir]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('CONFORMANT');
    const report = JSON.parse(readFileSync(join(dir, 'assurance-report.json'), 'utf8')) as AssuranceReport;
    expect(report.testData?.createdIds).toHaveLength(2);
    expect(new Set(report.testData?.patients).size).toBe(4);
    for (const nhs of report.testData?.patients ?? []) expect(nhs).toMatch(/^999\d{7}$/);
  });

  it.each([
    ['no client certificate', () => ({ ca: pki.ca }), /client certificate/],
    ['a client certificate from another CA', () => ({ cert: pki.strangerCert, key: pki.strangerKey, ca: pki.ca }), /client certificate/],
    ['no CA bundle for the server certificate', () => ({ cert: pki.clientCert, key: pki.clientKey }), /not issued by a trusted CA: set tls.ca/],
  ])('exits 3 with one clear message with %s', async (name, tls, reason) => {
    const run = await ndopAssure(['--config', config(name.replace(/\W+/g, '-'), tls()), '--report-dir', join(tmp, 'failed')], {}, 60_000);
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const message = run.stderr.trim().split('\n');
    expect(message).toHaveLength(1);
    expect(message[0]).toMatch(new RegExp(`^ndop-assure: the target ${mutual.url.replace(/[.]/g, '\\.')} cannot be reached: TLS with 127\\.0\\.0\\.1:\\d+ failed: `));
    expect(message[0]).toMatch(reason);
  });

  it('exits 2 before a wrong passphrase or a missing file can matter, naming the setting', async () => {
    const run = await ndopAssure(['--target', mutual.url], { NDOP_TLS_PFX: pki.clientP12, NDOP_TLS_PASSPHRASE: 'not-the-passphrase' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/tls\.pfx .*client\.p12 cannot be used: .*wrong or missing passphrase: it is read from NDOP_TLS_PASSPHRASE/);
    expect(run.stderr).not.toContain('not-the-passphrase');
  });
});

describe('writes and opt-in suites', () => {
  it('stops before anything is sent when write scenarios would run against a target that is not loopback', async () => {
    const remote = 'https://ndop.int.example.invalid/STU3';
    const refused = await ndopAssure(['--target', remote, '--grep', '^create-returns-location']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('2 of the 2 selected scenario runs write to the target (create-returns-location), and ndop.int.example.invalid is not a loopback address');
    expect(refused.stderr).toContain('--allow-writes');
    // Allowed, the same run goes on to its first connection (which cannot succeed here): the guard was what stopped it.
    const allowed = await ndopAssure(['--target', remote, '--grep', '^create-returns-location', '--allow-writes', '--timeout', '3000']);
    expect(allowed.code).toBe(3);
    expect(allowed.stderr).toContain('cannot be reached');
    const readOnly = await ndopAssure(['--target', remote, '--grep', '^search-empty', '--timeout', '3000']);
    expect(readOnly.code).toBe(3);
  });

  it('runs an opt-in suite only when named, and refuses a name that is none', async () => {
    const without = await ndopAssure(['--list']);
    expect(without.stdout).not.toContain('security-missing-jwt');
    expect(without.stdout).toContain('opt-in suites not included: security (add them with --opt-in security)');
    const listed = await ndopAssure(['--list', '--opt-in', 'security']);
    expect(listed.stdout).toMatch(/security-missing-jwt \[xml, json\]/);
    expect(listed.stdout).not.toContain('opt-in suites not included');
    const typo = await ndopAssure(['--list', '--opt-in', 'secuirty']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--opt-in: "secuirty" is not an opt-in suite (opt-in suites: security)');
  });

  it('documents the new options and variables in --help', async () => {
    const run = await ndopAssure(['--help']);
    for (const text of ['--allow-writes', '--opt-in', 'NDOP_JWT_HEADER', 'NDOP_TLS_PFX', 'NDOP_INTERACTION_IDS', 'HTTPS_PROXY', 'examples/nhs-int.yaml']) expect(run.stdout).toContain(text);
  });
});
