/**
 * What every request to a Spine target carries on top of the scenario's own request: the Spine headers
 * (a fresh Ssp-TraceID each time) and a new audit JWT whose scope matches the interaction. A header the
 * scenario sets or removes itself is left to the scenario; `request.jwt` varies the token (security suite).
 */
import type { KeyObject } from 'node:crypto';
import type { EngineSettings } from '../config/settings.js';
import { consumerAsid, spineHeaders } from '../spine/headers.js';
import { interactionOf, type SpineInteraction } from '../spine/interactions.js';
import { auditClaims, authorizationValue, encodeJwt, expiredOverrides, loadSigningKey, MALFORMED_JWT, type ClaimOverrides, type JwtVariant } from '../spine/jwt.js';
import type { OutgoingRequest } from '../transport/index.js';
import { renderValue, type Variables } from './templating.js';
import type { RequestSpec } from './types.js';

export interface SpineRequest {
  request: OutgoingRequest;
  /** Values sent that must never be written anywhere: the token and the header holding it. */
  secrets: string[];
}

const signingKeys = new Map<string, KeyObject>();
function signingKey(settings: EngineSettings): KeyObject {
  const id = `${settings.jwt.algorithm}:${settings.jwt.keyFile}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = loadSigningKey(settings.jwt.keyFile!, settings.jwt.algorithm);
    signingKeys.set(id, key);
  }
  return key;
}

/** The patient a request is about: the `patient` search parameter, else the scenario's patient (not for metadata). */
function patientRefOf(url: string, interaction: SpineInteraction, vars: Variables): string | undefined {
  if (interaction === 'metadata') return undefined;
  const fromQuery = new URL(url).searchParams.get('patient');
  if (fromQuery) return fromQuery;
  const patient = vars.patient as { ref?: string } | undefined;
  return patient?.ref;
}

async function token(variant: JwtVariant | undefined, interaction: SpineInteraction, patientRef: string | undefined, settings: EngineSettings, vars: Variables): Promise<string> {
  if (variant === 'malformed') return MALFORMED_JWT;
  let scenarioClaims: ClaimOverrides = {};
  if (variant === 'expired') scenarioClaims = expiredOverrides();
  else if (typeof variant === 'object') scenarioClaims = renderValue(variant.claims, vars);
  const claims = auditClaims({ interaction, ...(patientRef ? { patientRef } : {}) }, { asid: consumerAsid(settings.spine), odsCode: settings.odsCode }, settings.jwt.claims, scenarioClaims);
  const signer = settings.jwt.mode === 'signed' ? { algorithm: settings.jwt.algorithm, key: signingKey(settings), ...(settings.jwt.keyId ? { keyId: settings.jwt.keyId } : {}) } : undefined;
  return encodeJwt(claims, signer);
}

/** One request as it goes on the wire: called once per request sent, so parallel requests get their own trace id and token. */
export async function spineRequest(outgoing: OutgoingRequest, spec: RequestSpec, vars: Variables, settings: EngineSettings, baseUrl: string): Promise<SpineRequest> {
  const interaction = interactionOf(outgoing.method, outgoing.url.slice(baseUrl.length));
  const ownHeaders = new Set(Object.keys(spec.headers ?? {}).map((name) => name.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spineHeaders(interaction, settings.spine))) if (!ownHeaders.has(name)) headers[name] = value;
  const secrets: string[] = [];
  const jwtHeader = settings.jwt.header.toLowerCase();
  const sendToken = spec.jwt !== undefined ? spec.jwt !== 'omit' : settings.jwt.mode !== 'off';
  if (sendToken && !ownHeaders.has(jwtHeader)) {
    const jwt = await token(spec.jwt, interaction, patientRefOf(outgoing.url, interaction, vars), settings, vars);
    headers[jwtHeader] = authorizationValue(settings.jwt.header, jwt);
    secrets.push(jwt, headers[jwtHeader]!);
  }
  return { request: { ...outgoing, headers: { ...headers, ...outgoing.headers } }, secrets };
}
