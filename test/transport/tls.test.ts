/**
 * Client TLS against the reference server serving mutual TLS, with certificates made by the test:
 * the right client certificate (PEM or PKCS#12) works; none, or one from another CA, fails with an
 * explanation; the server's certificate must chain to the configured CA and name the host.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import { connectionTls, explainTlsError, send, TlsConfigError, type ConnectionTls, type TlsSettings } from '../../src/transport/index.js';
import { makeTestPki, type TestPki } from '../support/certificates.js';

let pki: TestPki;
let mutual: RunningServer;

beforeAll(async () => {
  pki = makeTestPki();
  mutual = await startReferenceServer({ port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca } });
});
afterAll(async () => {
  await mutual?.close();
});

const settings = (s: Partial<TlsSettings>): TlsSettings => ({ passphraseEnv: 'NDOP_TEST_P12_PASSPHRASE', ...s });

function metadata(url: string, tls: ConnectionTls | undefined) {
  return send(
    { method: 'GET', url: `${url}/metadata`, headers: { accept: 'application/fhir+json' } },
    { connectTimeoutMs: 5_000, bodyTimeoutMs: 5_000, evidenceBodyLimit: 1024, secretHeaders: [], ...(tls ? { tls } : {}) },
  );
}

async function failure(url: string, tls: ConnectionTls | undefined): Promise<string> {
  const x = await metadata(url, tls);
  expect(x.status, 'the request should have failed').toBeUndefined();
  const error = x.evidence.error!;
  return explainTlsError(error.code, error.message) ?? `not explained: ${error.code} ${error.message}`;
}

describe('client TLS', () => {
  it('serves HTTPS with the server certificate and says so in its URL', () => {
    expect(mutual.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('connects with the right client certificate and key (PEM) and the CA bundle', async () => {
    const x = await metadata(mutual.url, connectionTls(settings({ cert: pki.clientCert, key: pki.clientKey, ca: pki.ca })));
    expect(x.status).toBe(200);
    expect(JSON.parse(x.body).resourceType).toBe('CapabilityStatement');
  });

  it('connects with PKCS#12 whose passphrase comes from the named environment variable', async () => {
    const env = { NDOP_TEST_P12_PASSPHRASE: pki.p12Passphrase };
    const x = await metadata(mutual.url, connectionTls(settings({ pfx: pki.clientP12, ca: pki.ca }), env));
    expect(x.status).toBe(200);
  });

  it('fails without a client certificate, saying the server wants one', async () => {
    expect(await failure(mutual.url, connectionTls(settings({ ca: pki.ca })))).toMatch(/client certificate/);
  });

  it('fails with a client certificate from another CA, saying the server refused it', async () => {
    const explanation = await failure(mutual.url, connectionTls(settings({ cert: pki.strangerCert, key: pki.strangerKey, ca: pki.ca })));
    expect(explanation).toMatch(/client certificate/);
  });

  it('fails when the server certificate does not chain to a trusted CA', async () => {
    expect(await failure(mutual.url, connectionTls(settings({ cert: pki.clientCert, key: pki.clientKey })))).toMatch(/not issued by a trusted CA: set tls.ca/);
  });

  it('checks the server name: an override that the certificate names works, one it does not name fails', async () => {
    const base = { cert: pki.clientCert, key: pki.clientKey, ca: pki.ca };
    expect((await metadata(mutual.url, connectionTls(settings({ ...base, servername: 'localhost' })))).status).toBe(200);
    expect(await failure(mutual.url, connectionTls(settings({ ...base, servername: 'ndop.elsewhere.example' })))).toMatch(/does not name this host/);
  });

  it('requires TLS 1.2 at least: a server offering only TLS 1.1 fails', async () => {
    const old = createServer({ cert: readPem(pki.serverCert), key: readPem(pki.serverKey), maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, (_req, res) => res.end('old'));
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const tls = connectionTls(settings({ ca: pki.ca }));
      expect(tls.minVersion).toBe('TLSv1.2');
      const x = await metadata(`https://127.0.0.1:${(old.address() as AddressInfo).port}`, tls);
      expect(x.status).toBeUndefined();
      expect(explainTlsError(x.evidence.error!.code, x.evidence.error!.message)).toMatch(/TLS/);
    } finally {
      old.closeAllConnections();
      await new Promise((resolve) => old.close(resolve));
    }
  });

  it('refuses unusable files before anything is sent, naming the setting', () => {
    const wrong = { NDOP_TEST_P12_PASSPHRASE: 'wrong' };
    expect(() => connectionTls(settings({ pfx: pki.clientP12 }), wrong)).toThrow(TlsConfigError);
    expect(() => connectionTls(settings({ pfx: pki.clientP12 }), wrong)).toThrow(/tls\.pfx .*client\.p12 cannot be used: .*wrong or missing passphrase: it is read from NDOP_TEST_P12_PASSPHRASE/);
    expect(() => connectionTls(settings({ pfx: pki.clientP12 }), {})).toThrow(/NDOP_TEST_P12_PASSPHRASE, which is not set/);
    expect(() => connectionTls(settings({ cert: pki.clientCert }))).toThrow('tls: a client certificate needs its key (cert and key go together)');
    expect(() => connectionTls(settings({ pfx: pki.clientP12, cert: pki.clientCert, key: pki.clientKey }))).toThrow(/either pfx .* or cert and key/);
    expect(() => connectionTls(settings({ ca: `${pki.dir}/missing.pem` }))).toThrow(/tls\.ca: the CA bundle .*missing\.pem cannot be read \(ENOENT\)/);
  });
});

function readPem(file: string): Buffer {
  return readFileSync(file);
}
