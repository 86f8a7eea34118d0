/**
 * The building blocks faults are made of: the replaceable parts of a server, and small ways to wrap
 * one of them (a handler, the store, the response on its way out) while leaving the rest untouched.
 */
import type { ConsentRule } from '../consent-rules.js';
import type { ConsentValidator } from '../consent-validation.js';
import type { ConsentReader, Exchange, FhirResult, Handler, Interaction, ResponseFilter } from '../exchange.js';
import { buildOperationOutcome, catalogueEntry, type ErrorKey } from '../outcome.js';
import type { QueryParams } from '../request-io.js';
import type { RoutedInteraction } from '../router.js';
import type { ConsentStore, ResourceData } from '../store.js';

/** Everything a fault may replace; the server is built from these after the faults are applied. */
export interface ServerParts {
  store: ConsentStore;
  readConsent: ConsentReader;
  validator: ConsentValidator;
  rules: readonly ConsentRule[];
  handlers: Readonly<Record<RoutedInteraction, Handler>>;
  responseFilters: readonly ResponseFilter[];
}

export type Fault = (parts: ServerParts) => ServerParts;

/** Stores the server made itself: the only ones a store-replacing fault may discard. */
const defaultStores = new WeakSet<ConsentStore>();

export function asDefaultStore<T extends ConsentStore>(store: T): T {
  defaultStores.add(store);
  return store;
}

export function isDefaultStore(store: ConsentStore): boolean {
  return defaultStores.has(store);
}

export function addFilter(parts: ServerParts, filter: ResponseFilter): ServerParts {
  return { ...parts, responseFilters: [...parts.responseFilters, filter] };
}

/** A filter that edits only results of the given interactions (successful ones: errors are `error`). */
export function onResults(interactions: readonly Interaction[], edit: ResponseFilter): ResponseFilter {
  return (result, exchange) => (interactions.includes(result.interaction) ? edit(result, exchange) : result);
}

/** The Spine details code of an error result's first issue. */
export function detailsCode(result: FhirResult): string | undefined {
  const issue = (result.resource?.issue as { details?: { coding?: { code?: string }[] } }[] | undefined)?.[0];
  return issue?.details?.coding?.[0]?.code;
}

/** A filter that edits only error results, all of them or those with one details code. */
export function onErrors(edit: ResponseFilter, withDetails?: string): ResponseFilter {
  return (result, exchange) => (result.interaction === 'error' && (withDetails === undefined || detailsCode(result) === withDetails) ? edit(result, exchange) : result);
}

export function withoutHeader(result: FhirResult, name: string): FhirResult {
  const headers = Object.fromEntries(Object.entries(result.headers).filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
  return { ...result, headers };
}

/** A copy of the result with its body edited (stored resources are frozen, so edits work on a deep copy). */
export function editBody(result: FhirResult, edit: (resource: ResourceData) => void): FhirResult {
  if (!result.resource) return result;
  const copy = structuredClone(result.resource) as ResourceData;
  edit(copy);
  return { ...result, resource: copy };
}

/** An error result as the server's own error path builds it. */
export function errorResult(key: ErrorKey, diagnostics: string): FhirResult {
  return { status: catalogueEntry(key).status, resource: buildOperationOutcome(key, diagnostics), headers: {}, interaction: 'error' };
}

export function wrapHandler(parts: ServerParts, interaction: RoutedInteraction, wrap: (inner: Handler) => Handler): ServerParts {
  return { ...parts, handlers: { ...parts.handlers, [interaction]: wrap(parts.handlers[interaction]) } };
}

/** The exchange with its query replaced, for handlers that should not see some parameters. */
export function withQuery(exchange: Exchange, query: QueryParams): Exchange {
  return { ...exchange, query };
}

export function queryValue(exchange: Exchange, name: string): string | undefined {
  return exchange.query.find(([key]) => key === name)?.[1];
}

/** A store that forwards to `inner` except for the operations in `overrides`. */
export function wrapStore(parts: ServerParts, overrides: (inner: ConsentStore) => Partial<ConsentStore>): ServerParts {
  const inner = parts.store;
  const store: ConsentStore = {
    create: (resource, index) => inner.create(resource, index),
    update: (id, resource, index, expected) => inner.update(id, resource, index, expected),
    current: (id) => inner.current(id),
    version: (id, versionId) => inner.version(id, versionId),
    history: (id) => inner.history(id),
    findCurrent: (criteria) => inner.findCurrent(criteria),
    historyForPatient: (patient) => inner.historyForPatient(patient),
    ...overrides(inner),
  };
  return { ...parts, store };
}

/** A reader that edits the Consent read from a create (POST) or update (PUT) body. */
export function editIncoming(parts: ServerParts, method: 'POST' | 'PUT', edit: (consent: ResourceData, exchange: Exchange) => void): ServerParts {
  const inner = parts.readConsent;
  return {
    ...parts,
    readConsent: async (exchange, context) => {
      const consent = await inner(exchange, context);
      if (exchange.method === method) edit(consent, exchange);
      return consent;
    },
  };
}

/** A validator that checks an edited copy of the Consent, so that one kind of error goes unseen. */
export function validateEdited(parts: ServerParts, edit: (copy: ResourceData) => void): ServerParts {
  const inner = parts.validator;
  return {
    ...parts,
    validator: {
      check(consent) {
        const copy = structuredClone(consent) as ResourceData;
        edit(copy);
        inner.check(copy);
      },
    },
  };
}
