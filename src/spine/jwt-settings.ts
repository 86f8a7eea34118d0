/**
 * How a run makes its audit JWTs (spine/jwt.ts): the settings, their defaults and the signing key. Kept apart from
 * the token making, which needs jose: reading the settings (every command start) then does not load it.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const JWT_MODES = ['unsigned', 'signed', 'off'] as const;
export const JWT_HEADERS = ['Authorization', 'Ssp-Authorization'] as const;
export const JWT_ALGORITHMS = ['RS256', 'ES256'] as const;
export type JwtMode = (typeof JWT_MODES)[number];
export type JwtHeader = (typeof JWT_HEADERS)[number];
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Claims to set over the defaults; null removes a claim. */
export type ClaimOverrides = Record<string, unknown>;

export interface JwtSettings {
  mode: JwtMode;
  /** Authorization (Bearer, the JWT page) or Ssp-Authorization (the metadata page; INVENTORY §6.14). */
  header: JwtHeader;
  algorithm: JwtAlgorithm;
  /** PEM private key (PKCS#8, PKCS#1 or SEC1) for mode "signed". */
  keyFile?: string;
  keyId?: string;
  claims: ClaimOverrides;
}

export const DEFAULT_JWT_SETTINGS: JwtSettings = { mode: 'unsigned', header: 'Authorization', algorithm: 'RS256', claims: {} };

const KEY_TYPE: Record<JwtAlgorithm, { type: string; curve?: string }> = {
  RS256: { type: 'rsa' },
  ES256: { type: 'ec', curve: 'prime256v1' },
};

/** Reads and checks a signing key; every problem is one message naming the file. */
export function loadSigningKey(keyFile: string, algorithm: JwtAlgorithm): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw new Error(`${keyFile}: the JWT signing key cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${keyFile}: not a PEM private key (${(e as Error).message})`);
  }
  const want = KEY_TYPE[algorithm];
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== want.type || (want.curve && curve !== want.curve)) {
    throw new Error(`${keyFile}: ${algorithm} needs ${want.curve ? `an EC ${want.curve} (P-256)` : 'an RSA'} key, but this is ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''}`);
  }
  return key;
}
