/**
 * The routes of the NDOP Consent API: path pattern → method → interaction. A path that matches no
 * pattern is 404; a matching path with another method is 405 with an Allow header.
 */
import { ApiError } from './outcome.js';
import type { Interaction } from './exchange.js';

export type RoutedInteraction = Exclude<Interaction, 'error'>;

interface Route {
  /** Literal segments, or `:name` for a path parameter. */
  pattern: readonly string[];
  methods: Readonly<Partial<Record<string, RoutedInteraction>>>;
}

/** Order matters: the literal `_history` must win over `:id`. */
export const ROUTES: readonly Route[] = [
  { pattern: ['metadata'], methods: { GET: 'metadata' } },
  { pattern: ['Consent'], methods: { GET: 'search-type', POST: 'create' } },
  { pattern: ['Consent', '_history'], methods: { GET: 'history-type' } },
  { pattern: ['Consent', ':id'], methods: { PUT: 'update' } },
  { pattern: ['Consent', ':id', '_history'], methods: { GET: 'history-instance' } },
  { pattern: ['Consent', ':id', '_history', ':vid'], methods: { GET: 'vread' } },
];

export interface RouteMatch {
  interaction: RoutedInteraction;
  params: Record<string, string>;
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    const segment = segments[i]!;
    if (part.startsWith(':')) {
      // A path parameter is never one of the reserved _words (`_history`, `_search`).
      if (segment.startsWith('_')) return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) return undefined;
  }
  return params;
}

/** The interaction for a method and path, or an ApiError (404 unknown route, 405 method not allowed). */
export function route(method: string, segments: readonly string[]): RouteMatch {
  for (const candidate of ROUTES) {
    const params = matchPattern(candidate.pattern, segments);
    if (!params) continue;
    const interaction = candidate.methods[method];
    if (interaction) return { interaction, params };
    const allow = Object.keys(candidate.methods).join(', ');
    throw new ApiError('METHOD_NOT_ALLOWED', `${method.slice(0, 20)} is not supported on /${segments.join('/').slice(0, 200)}; allowed: ${allow}.`, {
      headers: { Allow: allow },
    });
  }
  throw new ApiError('UNKNOWN_ROUTE', `There is no resource or operation at /${segments.join('/').slice(0, 200)}; this server serves /metadata and /Consent.`);
}
