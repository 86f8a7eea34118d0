/**
 * TLS to the target: client certificate and key (PEM, or PKCS#12 with its passphrase taken from an
 * environment variable), a CA bundle, TLS 1.2 at least (development_api_security_guidance.md) and an
 * optional server name. Files are read and checked once, before anything is sent; a TLS failure during
 * a run is explained in words a person can act on.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsSettings {
  /** Client certificate chain, PEM. */
  cert?: string;
  /** Client private key, PEM (may be encrypted with the passphrase). */
  key?: string;
  /** Client certificate and key as PKCS#12 (.p12/.pfx), instead of cert and key. */
  pfx?: string;
  /** The environment variable holding the passphrase of pfx or key; the passphrase itself is never configured in a file. */
  passphraseEnv: string;
  /** CA bundle (PEM) the target's certificate must chain to, instead of the system's. */
  ca?: string;
  /** Server name for SNI and certificate checking, when it differs from the URL's host. */
  servername?: string;
}

export const DEFAULT_PASSPHRASE_ENV = 'NDOP_TLS_PASSPHRASE';
export const DEFAULT_TLS_SETTINGS: TlsSettings = { passphraseEnv: DEFAULT_PASSPHRASE_ENV };
export const MIN_TLS_VERSION = 'TLSv1.2' as const;

/** Options for Node's TLS connect, as undici takes them. */
export interface ConnectionTls {
  cert?: Buffer;
  key?: Buffer;
  pfx?: Buffer;
  passphrase?: string;
  ca?: Buffer;
  servername?: string;
  minVersion: typeof MIN_TLS_VERSION;
}

export class TlsConfigError extends Error {}

function readTlsFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new TlsConfigError(`${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function checkCombination(s: TlsSettings): void {
  if (s.pfx && (s.cert || s.key)) throw new TlsConfigError('tls: give either pfx (PKCS#12) or cert and key, not both');
  if (Boolean(s.cert) !== Boolean(s.key)) throw new TlsConfigError(`tls: a client ${s.cert ? 'certificate needs its key' : 'key needs its certificate'} (cert and key go together)`);
}

/** Reads and checks the files now, so that a wrong path or passphrase is a configuration error (exit 2), not a failed run. */
function loadConnectionTls(s: TlsSettings, env: NodeJS.ProcessEnv): ConnectionTls {
  checkCombination(s);
  const tls: ConnectionTls = { minVersion: MIN_TLS_VERSION };
  if (s.cert) tls.cert = readTlsFile(s.cert, 'tls.cert: the client certificate');
  if (s.key) tls.key = readTlsFile(s.key, 'tls.key: the client key');
  if (s.pfx) tls.pfx = readTlsFile(s.pfx, 'tls.pfx: the PKCS#12 file');
  if (s.ca) tls.ca = readTlsFile(s.ca, 'tls.ca: the CA bundle');
  if (s.servername) tls.servername = s.servername;
  const passphrase = env[s.passphraseEnv];
  if (passphrase !== undefined && (s.pfx || s.key)) tls.passphrase = passphrase;
  try {
    createSecureContext(tls);
  } catch (e) {
    const reason = (e as Error).message;
    const source = s.pfx ? `tls.pfx ${s.pfx}` : s.key ? `tls.cert ${s.cert} / tls.key ${s.key}` : `tls.ca ${s.ca}`;
    const hint = /mac verify|bad decrypt|passphrase|decrypt/i.test(reason)
      ? ` (wrong or missing passphrase: it is read from ${s.passphraseEnv}${passphrase === undefined ? ', which is not set' : ''})`
      : '';
    throw new TlsConfigError(`${source} cannot be used: ${reason}${hint}`);
  }
  return tls;
}

const loaded = new Map<string, ConnectionTls>();

/** The connection options for these settings, read once per process (the same object each time, so connection pools are shared). */
export function connectionTls(settings: TlsSettings, env: NodeJS.ProcessEnv = process.env): ConnectionTls {
  const key = JSON.stringify([settings, env[settings.passphraseEnv] ?? null]);
  let tls = loaded.get(key);
  if (!tls) {
    tls = loadConnectionTls(settings, env);
    loaded.set(key, tls);
  }
  return tls;
}

/** Secret values these settings bring (the passphrase), to be scrubbed from anything written. */
export function tlsSecretValues(settings: TlsSettings, env: NodeJS.ProcessEnv = process.env): string[] {
  const passphrase = env[settings.passphraseEnv];
  return passphrase ? [passphrase] : [];
}

const CLIENT_CERT_REFUSED = 'the server refused the client certificate: it is not issued by a CA the server trusts (check tls.cert and tls.key, or tls.pfx)';

const EXPLANATIONS: Array<[RegExp, string]> = [
  [/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/, 'the server asked for a client certificate and did not get one it accepts: set tls.cert and tls.key (or tls.pfx)'],
  [/UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|DECRYPT_ERROR|ACCESS_DENIED/, CLIENT_CERT_REFUSED],
  // Node servers check the client certificate after the handshake messages and then drop the socket.
  [/disconnected before secure TLS connection/, 'the server ended the TLS handshake: it refused the client certificate (not issued by a CA it trusts) or wants one; check tls.cert and tls.key, or tls.pfx'],
  [/CERTIFICATE_EXPIRED|CERT_HAS_EXPIRED/, 'a certificate has expired'],
  [/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED/, "the server's certificate is not issued by a trusted CA: set tls.ca to the environment's CA bundle"],
  [/ALTNAME|HOSTNAME/, "the server's certificate does not name this host: check the target URL or set tls.servername"],
  [/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER/, 'no common TLS version (TLS 1.2 at least is required), or the target does not speak TLS on this port'],
];

/**
 * Words for a TLS failure, or undefined when the error is not a TLS one. On an https target (`https`), a
 * connection closed before any response counts too: under TLS 1.3 that is how a server refuses a client certificate.
 */
export function explainTlsError(code: string, message: string, https = false): string | undefined {
  const text = `${code} ${message}`;
  for (const [pattern, explanation] of EXPLANATIONS) if (pattern.test(text)) return explanation;
  if (https && /UND_ERR_SOCKET|ECONNRESET|EPIPE|other side closed/.test(text)) {
    return 'the server closed the connection before answering; under TLS 1.3 that is how a server refuses a client certificate: check tls.cert and tls.key (or tls.pfx) and that the server trusts their CA';
  }
  return /ERR_SSL|ERR_TLS|tls|ssl/i.test(text) ? 'the TLS handshake failed' : undefined;
}
