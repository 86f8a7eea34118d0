/**
 * Test certificates, made with openssl when a test runs (nothing is committed): a CA, a server
 * certificate for 127.0.0.1 and localhost, a client certificate from the same CA (also as PKCS#12 with
 * a passphrase), and a client certificate from another CA the server does not trust.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** The client certificate and key as PKCS#12, encrypted with `p12Passphrase`. */
  clientP12: string;
  p12Passphrase: string;
  /** A client certificate and key issued by a CA the server does not trust. */
  strangerCert: string;
  strangerKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`]);
}

function issue(dir: string, ca: string, name: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ndop-pki-'));
  makeCa(dir, 'test-ca');
  makeCa(dir, 'other-ca');
  issue(dir, 'test-ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'test-ca', 'client', 'extendedKeyUsage=clientAuth\n');
  issue(dir, 'other-ca', 'stranger', 'extendedKeyUsage=clientAuth\n');
  const p12Passphrase = 'p12-pass-4b1e';
  openssl(dir, ['pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.pem', '-out', 'client.p12', '-passout', `pass:${p12Passphrase}`]);
  const at = (name: string) => join(dir, name);
  return {
    dir,
    ca: at('test-ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    clientP12: at('client.p12'),
    p12Passphrase,
    strangerCert: at('stranger.pem'),
    strangerKey: at('stranger.key'),
  };
}
