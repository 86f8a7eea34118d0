/**
 * `ndop-assure client` as a supplier runs it: a recording session, ended by idle time or a signal, then
 * the four reports and an exit code; a killed process loses none of what it recorded.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../src/client-assurance/session.js';
import { makeTestPki } from '../support/certificates.js';
import { runScriptedClient } from './scripted-client.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv);
const validateReport = ajv.compile(JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8')));

function startSession(args: string[]) {
  const reportDir = mkdtempSync(join(tmpdir(), 'ndop-client-cmd-'));
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'client', '--port', '0', '--report-dir', reportDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = async (): Promise<string> => {
    for (let i = 0; i < 400; i++) {
      const match = /point your client at (\S+)/.exec(out);
      if (match) return match[1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the session did not start: ${out}`);
  };
  return { child, exited, url, reportDir, output: () => out };
}

describe('ndop-assure client', () => {
  it('records a conformant client until it goes idle, writes the four reports and exits 0', async () => {
    const session = startSession(['--until-idle', '1500ms']);
    await runScriptedClient(await session.url());
    expect(await session.exited, session.output()).toBe(0);
    for (const file of ['assurance-report.json', 'assurance-report.html', 'junit.xml', 'allure-results', 'client-session.jsonl']) {
      expect(existsSync(join(session.reportDir, file)), file).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(session.reportDir, 'assurance-report.json'), 'utf8'));
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report).toMatchObject({ mode: 'client', verdict: 'conformant', summary: { failed: 0, errored: 0 } });
    expect(report.requirements.every((r: { id: string }) => !r.id.startsWith('NDOP-REST-0') || ['NDOP-REST-001', 'NDOP-REST-009', 'NDOP-REST-011'].includes(r.id))).toBe(true);
    expect(readFileSync(join(session.reportDir, 'assurance-report.html'), 'utf8')).toContain('NDOP client assurance report');
    expect(session.output()).toContain('15 client rules: 15 passed, 0 failed');
  });

  it('exits 1 with the failing rule and the exchange that proves it when the client breaks a rule', async () => {
    const session = startSession(['--until-idle', '1500ms']);
    await runScriptedClient(await session.url(), ['wrong-scope']);
    expect(await session.exited, session.output()).toBe(1);
    const report = JSON.parse(readFileSync(join(session.reportDir, 'assurance-report.json'), 'utf8'));
    const scope = report.scenarios.find((s: { id: string }) => s.id === 'client-jwt-scope');
    expect(scope.status).toBe('failed');
    const step = scope.steps.find((s: { status: string }) => s.status === 'failed');
    expect(step.request).toMatchObject({ method: 'POST', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/Consent$/) });
    expect(step.response.status).toBe(201);
    expect(step.assertions[0].message).toContain('does not grant consent/*.create');
  });

  it('ends the session on SIGTERM and still reports it: with nothing exercised, exit 3', async () => {
    const session = startSession([]);
    await session.url();
    session.child.kill('SIGTERM');
    expect(await session.exited, session.output()).toBe(3);
    expect(session.output()).toContain('Session ended (SIGTERM received): 0 request(s) recorded.');
    const report = JSON.parse(readFileSync(join(session.reportDir, 'assurance-report.json'), 'utf8'));
    expect(report.verdict).toBe('error');
    expect(report.scenarios.every((s: { status: string }) => s.status === 'errored')).toBe(true);
  });

  it('loses nothing it recorded when the process is killed outright', async () => {
    const session = startSession([]);
    const url = await session.url();
    for (let i = 0; i < 5; i++) await (await fetch(`${url}/metadata`)).text();
    session.child.kill('SIGKILL');
    await session.exited;
    expect(readSession(join(session.reportDir, 'client-session.jsonl')).exchanges.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('serves HTTPS with mutual TLS: a client with a certificate from the CA is recorded, one without is refused', async () => {
    const pki = makeTestPki();
    const session = startSession(['--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-ca', pki.ca, '--until-idle', '2s']);
    const url = await session.url();
    expect(url).toMatch(/^https:/);
    expect(session.output()).toContain('HTTPS with mutual TLS');
    const get = (withCertificate: boolean) =>
      new Promise<number | string>((resolve) => {
        const tls = { ca: readFileSync(pki.ca), ...(withCertificate ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}) };
        request(`${url}/metadata`, tls, (res) => res.resume().on('end', () => resolve(res.statusCode!)))
          .on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message))
          .end();
      });
    expect(await get(true)).toBe(200);
    expect(await get(false)).not.toBe(200);
    await session.exited;
    const recorded = readSession(join(session.reportDir, 'client-session.jsonl')).exchanges;
    expect(recorded.map((x) => `${x.request.method} ${x.request.url} ${x.response.status}`)).toEqual(['GET /metadata 200']);
  });

  it('refuses a report directory it cannot write, and a malformed --interaction-ids, as usage errors (exit 2)', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'ndop-client-blocked-')), 'a-file');
    writeFileSync(blocker, '');
    const unwritable = spawn(process.execPath, ['--import', 'tsx', main, 'client', '--port', '0', '--report-dir', join(blocker, 'sub')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    unwritable.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => unwritable.on('exit', resolve))).toBe(2);
    expect(err).toContain('cannot write the session to --report-dir');
    const badIds = startSession(['--interaction-ids', '{"delete":"urn:x"}']);
    expect(await badIds.exited).toBe(2);
    expect(badIds.output()).toContain('"delete" is not an interaction');
  });

  it('refuses a bad duration as a usage error (exit 2)', async () => {
    const session = startSession(['--duration', 'soon']);
    expect(await session.exited).toBe(2);
    expect(session.output()).toContain('a duration is a number with ms, s, m or h');
  });
});
