/**
 * The reference server's security options: `--require-jwt [--jwt-audience URI] [--jwt-key PEM]` and
 * `--tls-cert PEM --tls-key PEM [--tls-ca PEM]`, turned into startReferenceServer options.
 */
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ReferenceServerOptions } from './server.js';

export interface SecurityFlags {
  requireJwt?: boolean;
  jwtAudience?: string;
  jwtKey?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

export class SecurityOptionError extends Error {}

export function addSecurityOptions(program: Command): Command {
  return program
    .option('--require-jwt', 'reject requests without a valid audit JWT (4xx Spine-OperationOutcome-1)')
    .option('--jwt-audience <uri>', 'the aud a JWT must carry (default https://clinicals.spineservices.nhs.uk)')
    .option('--jwt-key <pem>', 'public key or certificate (PEM): JWTs must be signed with its private key (RS256/ES256)')
    .option('--tls-cert <pem>', 'serve HTTPS with this certificate (needs --tls-key)')
    .option('--tls-key <pem>', 'private key of --tls-cert')
    .option('--tls-ca <pem>', 'require client certificates issued by this CA (mutual TLS)');
}

/** A public key from a PEM public key or certificate. */
function verificationKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SecurityOptionError(`--jwt-key ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch (e) {
    throw new SecurityOptionError(`--jwt-key ${file} is not a PEM public key or certificate (${(e as Error).message})`);
  }
}

export function securityServerOptions(flags: SecurityFlags): Pick<ReferenceServerOptions, 'requireJwt' | 'tls'> {
  const options: Pick<ReferenceServerOptions, 'requireJwt' | 'tls'> = {};
  if ((flags.jwtAudience || flags.jwtKey) && !flags.requireJwt) throw new SecurityOptionError('--jwt-audience and --jwt-key need --require-jwt');
  if (flags.requireJwt) {
    options.requireJwt = {
      ...(flags.jwtAudience ? { audience: flags.jwtAudience } : {}),
      ...(flags.jwtKey ? { verifyKey: verificationKey(flags.jwtKey) } : {}),
    };
  }
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new SecurityOptionError('--tls-cert and --tls-key go together');
  if (flags.tlsCa && !flags.tlsCert) throw new SecurityOptionError('--tls-ca needs --tls-cert and --tls-key (mutual TLS is on top of HTTPS)');
  if (flags.tlsCert && flags.tlsKey) options.tls = { cert: flags.tlsCert, key: flags.tlsKey, ...(flags.tlsCa ? { ca: flags.tlsCa } : {}) };
  return options;
}

/** The log line's note on security, e.g. "HTTPS with mutual TLS, audit JWT required". */
export function securityNote(options: Pick<ReferenceServerOptions, 'requireJwt' | 'tls'>): string {
  const parts = [options.tls ? (options.tls.ca ? 'HTTPS with mutual TLS' : 'HTTPS') : '', options.requireJwt ? `audit JWT required${options.requireJwt.verifyKey ? ' (signed)' : ''}` : ''];
  return parts.filter(Boolean).join(', ');
}
