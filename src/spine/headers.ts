/**
 * The Spine headers every request carries (foundations_use_case_get_the_fhir_conformance_profile.md,
 * Request headers): a fresh Ssp-TraceID, Ssp-From and Ssp-To ASIDs, the interaction's Ssp-InteractionID,
 * plus any further headers an environment asks for.
 */
import { randomUUID } from 'node:crypto';
import { AUDIT_JWT } from './audit-jwt-data.js';
import { DEFAULT_INTERACTION_IDS, type SpineInteraction } from './interactions.js';

export interface SpineHeaderSettings {
  /** Ssp-From: the consumer's ASID (also the audit JWT's requesting_system); default the guide's example ASID. */
  from?: string;
  /** Ssp-To: the provider's ASID; sent only when configured (the guide gives no value). */
  to?: string;
  /** Ssp-InteractionID per interaction, over DEFAULT_INTERACTION_IDS. */
  interactionIds: Partial<Record<SpineInteraction, string>>;
  /** Further headers sent on every request, e.g. an API gateway key (name it in secretHeaders if it is secret). */
  headers: Record<string, string>;
}

export const DEFAULT_SPINE_HEADER_SETTINGS: SpineHeaderSettings = { interactionIds: {}, headers: {} };

export function consumerAsid(settings: SpineHeaderSettings): string {
  return settings.from ?? AUDIT_JWT.defaultAsid;
}

/** Header names in lower case, as the request builder writes them. */
export function spineHeaders(interaction: SpineInteraction, settings: SpineHeaderSettings): Record<string, string> {
  const headers: Record<string, string> = {
    'ssp-traceid': randomUUID(),
    'ssp-from': consumerAsid(settings),
    ...(settings.to ? { 'ssp-to': settings.to } : {}),
    'ssp-interactionid': settings.interactionIds[interaction] ?? DEFAULT_INTERACTION_IDS[interaction],
  };
  for (const [name, value] of Object.entries(settings.headers)) headers[name.toLowerCase()] = value;
  return headers;
}
