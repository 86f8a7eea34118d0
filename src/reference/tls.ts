/**
 * HTTPS for the reference server (`--tls-cert --tls-key [--tls-ca]`), as development_api_security_guidance.md
 * configures Spine (its Tomcat settings): TLS 1.2, the guide's ciphers in its order of preference, and, with a CA,
 * mutual TLS (SSLVerifyClient = require): a client without a certificate from that CA is refused in the handshake.
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';

export interface ServerTlsFiles {
  /** Server certificate chain, PEM. */
  cert: string;
  /** Server private key, PEM. */
  key: string;
  /** CA bundle client certificates must chain to; given, every client must present one (mutual TLS). */
  ca?: string;
}

/** The guide's SSLCipherSuite (OpenSSL syntax), SSLHonorCipherOrder = true. */
const GUIDE_CIPHERS = 'AESGCM+EECDH:AESGCM+EDH:AES256+EECDH:AES256+EDH';

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export function serverTlsOptions(files: ServerTlsFiles): ServerOptions {
  const mutual = files.ca !== undefined;
  return {
    cert: read(files.cert, 'the server certificate'),
    key: read(files.key, 'the server key'),
    ...(mutual ? { ca: read(files.ca!, 'the client CA bundle') } : {}),
    requestCert: mutual,
    rejectUnauthorized: mutual,
    // SSLProtocol = TLSv1.2: exactly that version, so a refused client certificate fails the handshake itself.
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: GUIDE_CIPHERS,
    honorCipherOrder: true,
  };
}
