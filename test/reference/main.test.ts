/** The `npm run reference` entry point: starts, logs one line per request, stops cleanly on SIGTERM and SIGINT. */
import { describe, expect, it } from 'vitest';
import { connectionTls, send } from '../../src/transport/index.js';
import { auditClaims, encodeJwt } from '../../src/spine/jwt.js';
import { makeTestPki } from '../support/certificates.js';
import { startReferenceProcess as start } from '../support/reference-process.js';

describe('npm run reference', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves, logs each request and exits 0 on %s', async (signal) => {
    const server = start(['--port', '0', '--host', '127.0.0.1']);
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const res = await fetch(`${url}/metadata?_format=xml`);
    expect(res.status).toBe(200);
    await res.text();
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    await server.waitFor(/GET \/nowhere 404 [\d.]+ms/);
    expect(server.output()).toMatch(/GET \/metadata 200 [\d.]+ms/);
    server.child.kill(signal);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain(`${signal} received, shutting down`);
  });

  it('refuses a bad port with a usage error', async () => {
    const server = start(['--port', 'eighty']);
    expect(await server.exited).not.toBe(0);
    expect(server.errors()).toContain('a port is a whole number');
  });

  it('reports a port already in use and exits 2', async () => {
    const first = start(['--port', '0']);
    const [, url] = await first.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const port = new URL(url!).port;
    const second = start(['--port', port]);
    expect(await second.exited).toBe(2);
    expect(second.errors()).toContain('cannot start the reference server');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});

describe('npm run reference with --tls-cert --tls-key --tls-ca --require-jwt', () => {
  it('serves HTTPS with mutual TLS and requires the audit JWT', async () => {
    const pki = makeTestPki();
    const server = start(['--port', '0', '--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--tls-ca', pki.ca, '--require-jwt']);
    const [, url] = await server.waitFor(/listening on (https:\/\/127\.0\.0\.1:\d+).*; HTTPS with mutual TLS, audit JWT required/);
    const tls = connectionTls({ passphraseEnv: 'NDOP_TLS_PASSPHRASE', cert: pki.clientCert, key: pki.clientKey, ca: pki.ca });
    const options = { connectTimeoutMs: 5_000, bodyTimeoutMs: 5_000, evidenceBodyLimit: 1024, secretHeaders: [], tls };
    const token = await encodeJwt(auditClaims({ interaction: 'metadata' }, { asid: '200000000205', odsCode: 'X26' }));
    expect((await send({ method: 'GET', url: `${url}/metadata`, headers: { authorization: `Bearer ${token}` } }, options)).status).toBe(200);
    expect((await send({ method: 'GET', url: `${url}/metadata`, headers: {} }, options)).status).toBe(401);
    const noCert = await send({ method: 'GET', url: `${url}/metadata`, headers: {} }, { ...options, tls: connectionTls({ passphraseEnv: 'NDOP_TLS_PASSPHRASE', ca: pki.ca }) });
    expect(noCert.evidence.error?.code).toMatch(/SSL|TLS|ECONNRESET/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses security options that do not go together, with exit 2', async () => {
    const keyOnly = start(['--port', '0', '--tls-key', 'server.key']);
    expect(await keyOnly.exited).toBe(2);
    expect(keyOnly.errors()).toContain('--tls-cert and --tls-key go together');
    const audienceOnly = start(['--port', '0', '--jwt-audience', 'https://x.example']);
    expect(await audienceOnly.exited).toBe(2);
    expect(audienceOnly.errors()).toContain('--jwt-audience and --jwt-key need --require-jwt');
  });
});
