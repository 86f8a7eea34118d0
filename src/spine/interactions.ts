/**
 * The NDOP interactions in Spine's terms (interactions.json): which one a request is, the
 * Ssp-InteractionID it carries and the scope its audit JWT asks for. The client and the reference
 * server share this, so both sides agree on what "the scope matches the interaction" means.
 */
import { readFileSync } from 'node:fs';
import { AUDIT_JWT } from './audit-jwt-data.js';

export const SPINE_INTERACTIONS = ['metadata', 'search-type', 'create', 'update', 'vread', 'history-instance', 'history-type'] as const;
export type SpineInteraction = (typeof SPINE_INTERACTIONS)[number];

interface InteractionEntry {
  interactionId: string;
  action: 'create' | 'read' | 'update';
  source: 'guide' | 'pattern';
}

const file = new URL('./interactions.json', import.meta.url);
const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, InteractionEntry>;
for (const name of SPINE_INTERACTIONS) {
  if (!entries[name]?.interactionId || !entries[name]?.action) throw new Error(`${file.pathname}: ${name} needs interactionId and action`);
}


/** The guide's Ssp-InteractionID for metadata, and the same pattern for the others (interactions.json). */
export const DEFAULT_INTERACTION_IDS: Readonly<Record<SpineInteraction, string>> = Object.fromEntries(
  SPINE_INTERACTIONS.map((name) => [name, entries[name]!.interactionId]),
) as Record<SpineInteraction, string>;

/** The Ssp-InteractionIDs the guide itself gives (interactions.json "source": "guide"); the rest follow a pattern. */
export const GUIDE_INTERACTION_IDS: Readonly<Partial<Record<SpineInteraction, string>>> = Object.fromEntries(
  SPINE_INTERACTIONS.filter((name) => entries[name]!.source === 'guide').map((name) => [name, entries[name]!.interactionId]),
);

export function isSpineInteraction(name: string): name is SpineInteraction {
  return (SPINE_INTERACTIONS as readonly string[]).includes(name);
}

/** The scope an audit JWT asks for on this interaction, e.g. `consent/*.create`. */
export function scopeFor(interaction: SpineInteraction): string {
  return `${AUDIT_JWT.scopeResource}/*.${entries[interaction]!.action}`;
}

/**
 * Which interaction a request is, from its method and its path below the base URL. A request outside the
 * API (the error scenarios send some) counts as the interaction its method would be: POST a create, PUT,
 * PATCH or DELETE an update, anything else a search.
 */
export function interactionOf(method: string, pathBelowBase: string): SpineInteraction {
  const segments = pathBelowBase.split(/[?#]/, 1)[0]!.split('/').filter(Boolean);
  const [type, id, history, vid] = segments;
  const m = method.toUpperCase();
  if (segments.length === 1 && type === 'metadata' && m === 'GET') return 'metadata';
  if (type === 'Consent') {
    if (segments.length === 1 && m === 'GET') return 'search-type';
    if (segments.length === 1 && m === 'POST') return 'create';
    if (segments.length === 2 && id === '_history' && m === 'GET') return 'history-type';
    if (segments.length === 2 && m === 'PUT') return 'update';
    if (segments.length === 3 && history === '_history' && m === 'GET') return 'history-instance';
    if (segments.length === 4 && history === '_history' && vid && m === 'GET') return 'vread';
  }
  if (m === 'POST') return 'create';
  if (m === 'PUT' || m === 'PATCH' || m === 'DELETE') return 'update';
  return 'search-type';
}
