/**
 * What each fault of catalogue.yaml does to the server, by name. Each changes one behaviour through one
 * seam (a response filter, a handler wrapper, the store, the body reader, the validator or the rules),
 * so the rest of the server stays conformant and whatever the suite reports is due to that fault alone.
 */
import { randomUUID } from 'node:crypto';
import { isValidNhsNumber } from '../../fhir/nhs-number.js';
import { DEFAULT_MIME } from '../../fhir/mime.js';
import { dateTimeComplete, partyXorProxy, statusActiveOrInactive, type ConsentRule } from '../consent-rules.js';
import type { Exchange, FhirResult, Interaction } from '../exchange.js';
import { SEARCH_PARAMETERS } from '../handlers/search.js';
import { ApiError } from '../outcome.js';
import { PDS_PATIENT_PREFIX } from '../params.js';
import { searchsetBundle, selfUrl } from '../representation.js';
import { negotiate } from '../negotiation.js';
import type { ConsentStore, ResourceData, StoredVersion } from '../store.js';
import { OverwritingStore, StaleTimestampStore, UnlockedCreateStore } from './faulty-stores.js';
import {
  addFilter,
  editBody,
  editIncoming,
  errorResult,
  isDefaultStore,
  onErrors,
  onResults,
  queryValue,
  validateEdited,
  withoutHeader,
  withQuery,
  wrapHandler,
  wrapStore,
  type Fault,
  type ServerParts,
} from './tools.js';

const OPT_OUT_SOURCE = 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-NDOP-OptOutSource-1';
const ALL_INTERACTIONS: readonly Interaction[] = ['metadata', 'search-type', 'create', 'update', 'vread', 'history-instance', 'history-type', 'error'];
const OLD_MIME_GENERATION: Readonly<Record<string, string>> = { 'application/xml+fhir': DEFAULT_MIME.xml, 'application/json+fhir': DEFAULT_MIME.json };

type Extension = { url?: string; valueCodeableConcept?: { coding?: { code?: string }[] } };

function extensions(resource: ResourceData): Extension[] {
  return (resource.extension as Extension[] | undefined) ?? [];
}

/** Replaces the default in-memory store; refuses to discard a store the caller or an earlier fault provided. */
function replaceStore(parts: ServerParts, store: ConsentStore): ServerParts {
  if (!isDefaultStore(parts.store)) {
    throw new Error('this fault replaces the store, so it cannot be combined with a custom store or another store fault');
  }
  return { ...parts, store };
}

/** The rules with `rule` replaced (or removed when `by` is undefined). */
function replaceRule(parts: ServerParts, rule: ConsentRule, by?: ConsentRule): ServerParts {
  return { ...parts, rules: parts.rules.flatMap((r) => (r === rule ? (by ? [by] : []) : [r])) };
}

/** partyXorProxy reporting only one of its two violations. */
function partyXorProxyOnly(key: string): ConsentRule {
  return (consent) => {
    const violation = partyXorProxy(consent);
    return violation?.key === key ? violation : undefined;
  };
}

/** A 200 searchset of `versions`, as the search handler answers. */
function searchsetResult(exchange: Exchange, versions: readonly StoredVersion[]): FhirResult {
  const self = selfUrl(exchange.baseUrl, exchange.rawPath, exchange.rawQuery);
  return { status: 200, resource: searchsetBundle(versions, exchange.baseUrl, self), headers: {}, interaction: 'search-type' };
}

function search(parts: ServerParts, edit: Parameters<typeof onResults>[1]): ServerParts {
  return addFilter(parts, onResults(['search-type'], edit));
}

function setStatus(interaction: Interaction, status: number): Fault {
  return (parts) => addFilter(parts, onResults([interaction], (result) => ({ ...result, status })));
}

function locationWithoutVersion(interaction: Interaction): Fault {
  return (parts) =>
    addFilter(
      parts,
      onResults([interaction], (result) => {
        const location = result.headers.Location;
        return location ? { ...result, headers: { ...result.headers, Location: location.replace(/\/_history\/[^/]+$/, '') } } : result;
      }),
    );
}

function everyResponse(parts: ServerParts, edit: Parameters<typeof onResults>[1]): ServerParts {
  return addFilter(parts, onResults(ALL_INTERACTIONS, edit));
}

export const FAULT_BEHAVIOURS: Readonly<Record<string, Fault>> = {
  // search-type
  'search-empty-answers-404': (parts) =>
    search(parts, (result) => (result.resource?.total === 0 ? errorResult('VERSION_NOT_FOUND', 'No Consent was found for this patient.') : result)),
  'search-total-missing': (parts) => search(parts, (result) => editBody(result, (bundle) => delete bundle.total)),
  'search-total-off-by-one': (parts) => search(parts, (result) => editBody(result, (bundle) => (bundle.total = Number(bundle.total) + 1))),
  'search-bundle-type-collection': (parts) => search(parts, (result) => editBody(result, (bundle) => (bundle.type = 'collection'))),
  'search-entries-without-id': (parts) =>
    search(parts, (result) =>
      editBody(result, (bundle) => {
        for (const entry of (bundle.entry as { resource: ResourceData }[] | undefined) ?? []) delete entry.resource.id;
      }),
    ),
  'search-ignores-purpose': (parts) =>
    wrapHandler(parts, 'search-type', (inner) => (exchange, context) => inner(withQuery(exchange, exchange.query.filter(([name]) => name !== 'purpose')), context)),
  'search-by-id-unsupported': (parts) =>
    wrapHandler(parts, 'search-type', (inner) => async (exchange, context) => {
      if (queryValue(exchange, '_id') !== undefined && queryValue(exchange, 'patient') === undefined) {
        throw new ApiError('PARAMETER_NOT_SUPPORTED', 'A Consent search needs the patient parameter (a PDS Patient URL).');
      }
      return inner(exchange, context);
    }),
  'search-accepts-unknown-parameters': (parts) =>
    wrapHandler(parts, 'search-type', (inner) => (exchange, context) => {
      const known: readonly string[] = [...SEARCH_PARAMETERS, '_format'];
      return inner(withQuery(exchange, exchange.query.filter(([name]) => known.includes(name))), context);
    }),
  'search-without-patient-lists-all': (parts) =>
    wrapHandler(parts, 'search-type', (inner) => async (exchange, context) => {
      if (queryValue(exchange, '_id') !== undefined || queryValue(exchange, 'patient') !== undefined) return inner(exchange, context);
      return searchsetResult(exchange, await context.store.findCurrent({}));
    }),
  'search-accepts-bare-nhs-number': (parts) =>
    wrapHandler(parts, 'search-type', (inner) => (exchange, context) => {
      const query = exchange.query.map(([name, value]): [string, string] => [name, name === 'patient' && /^\d{10}$/.test(value) ? PDS_PATIENT_PREFIX + value : value]);
      return inner(withQuery(exchange, query), context);
    }),
  'search-skips-nhs-check-digit': (parts) =>
    wrapHandler(parts, 'search-type', (inner) => async (exchange, context) => {
      const patient = queryValue(exchange, 'patient');
      const nhsNumber = patient?.startsWith(PDS_PATIENT_PREFIX) ? patient.slice(PDS_PATIENT_PREFIX.length) : undefined;
      if (nhsNumber && /^\d{10}$/.test(nhsNumber) && !isValidNhsNumber(nhsNumber)) {
        return searchsetResult(exchange, []);
      }
      return inner(exchange, context);
    }),

  // create
  'create-answers-200': setStatus('create', 200),
  'create-without-location': (parts) => addFilter(parts, onResults(['create'], (result) => withoutHeader(result, 'Location'))),
  'create-location-without-version': locationWithoutVersion('create'),
  'create-accepts-client-id': (parts) => editIncoming(parts, 'POST', (consent) => delete consent.id),
  'client-id-rejected-with-wrong-code': (parts) =>
    addFilter(
      parts,
      onErrors(
        (result) =>
          editBody(result, (outcome) => {
            const coding = (outcome.issue as { details: { coding: { code: string; display?: string }[] } }[])[0]!.details.coding[0]!;
            coding.code = 'INVALID_RESOURCE';
            coding.display = 'Invalid validation of resource';
          }),
        'MSG_RESOURCE_ID_FAIL',
      ),
    ),
  'duplicate-accepted': (parts) => wrapStore(parts, (inner) => ({ create: (resource, index) => inner.create(resource, { ...index, duplicateKey: `${index.duplicateKey}#${randomUUID()}` }) })),
  'duplicate-check-races': (parts) => replaceStore(parts, new UnlockedCreateStore()),
  'snomed-spellings-differ': (parts) =>
    wrapStore(parts, (inner) => ({
      create: (resource, index) => {
        const systems = ((resource.purpose as { system?: string }[] | undefined) ?? []).map((p) => p.system).join(',');
        return inner.create(resource, { ...index, duplicateKey: `${index.duplicateKey}#${systems}` });
      },
    })),
  'duplicate-rejected-without-outcome': (parts) => addFilter(parts, onErrors((result) => ({ ...result, resource: undefined }), 'DUPLICATE_REJECTED')),
  'unparseable-body-answers-500': (parts) =>
    addFilter(parts, onErrors(() => errorResult('INTERNAL', 'The server met an unexpected error while handling this request.'), 'MESSAGE_NOT_WELL_FORMED')),

  // NDOP-Consent-1 and the business rules
  'accepts-missing-opt-out-source': (parts) =>
    validateEdited(parts, (copy) => {
      if (!extensions(copy).some((e) => e.url === OPT_OUT_SOURCE)) {
        copy.extension = [...extensions(copy), { url: OPT_OUT_SOURCE, valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/NDOP-OptOutSource-1', code: 'OP', display: 'Online Process' }] } }];
      }
    }),
  'accepts-unknown-opt-out-source-code': (parts) =>
    validateEdited(parts, (copy) => {
      for (const e of extensions(copy)) if (e.url === OPT_OUT_SOURCE) for (const coding of e.valueCodeableConcept?.coding ?? []) coding.code = 'OP';
    }),
  'accepts-party-and-proxy': (parts) => replaceRule(parts, partyXorProxy, partyXorProxyOnly('NEITHER_PARTY_NOR_PROXY')),
  'accepts-neither-party-nor-proxy': (parts) => replaceRule(parts, partyXorProxy, partyXorProxyOnly('PARTY_AND_PROXY')),
  'accepts-any-status': (parts) => replaceRule(parts, statusActiveOrInactive),
  'accepts-date-only-datetime': (parts) => replaceRule(parts, dateTimeComplete),
  'accepts-organization-as-consenting-party': (parts) =>
    validateEdited(parts, (copy) => {
      if (copy.consentingParty) copy.consentingParty = [{ reference: (copy.patient as { reference?: string } | undefined)?.reference }];
    }),
  'accepts-missing-organization': (parts) =>
    validateEdited(parts, (copy) => {
      copy.organization ??= [{ reference: 'https://directory.spineservices.nhs.uk/STU3/Organization/X26' }];
    }),

  // update
  'update-answers-201': setStatus('update', 201),
  'update-location-without-version': locationWithoutVersion('update'),
  'update-creates-unknown-id': (parts) =>
    wrapStore(parts, (inner) => ({
      update: async (id, resource, index, expected) => {
        const updated = await inner.update(id, resource, index, expected);
        if (updated.outcome !== 'not-found') return updated;
        const created = await inner.create(resource, index);
        return created.outcome === 'created' ? { outcome: 'updated', version: created.version } : created;
      },
    })),
  'update-accepts-mismatched-id': (parts) =>
    editIncoming(parts, 'PUT', (consent, exchange) => {
      if (consent.id !== undefined) consent.id = exchange.pathParams.id;
    }),
  'update-accepts-missing-id': (parts) => editIncoming(parts, 'PUT', (consent, exchange) => (consent.id ??= exchange.pathParams.id)),
  'update-overwrites-version': (parts) => replaceStore(parts, new OverwritingStore()),
  'update-skips-profile-validation': (parts) =>
    wrapHandler(parts, 'update', (inner) => (exchange, context) => inner(exchange, { ...context, validator: { check: () => undefined } })),
  'update-keeps-last-updated': (parts) => replaceStore(parts, new StaleTimestampStore()),
  'update-ignores-if-match': (parts) =>
    wrapHandler(parts, 'update', (inner) => (exchange, context) => {
      delete exchange.req.headers['if-match'];
      return inner(exchange, context);
    }),

  'returned-consent-drops-opt-out-source': (parts) =>
    addFilter(
      parts,
      onResults(['create', 'update', 'vread', 'search-type', 'history-instance', 'history-type'], (result) =>
        editBody(result, (resource) => {
          const entries = (resource.entry as { resource: ResourceData }[] | undefined) ?? [];
          for (const consent of resource.resourceType === 'Consent' ? [resource] : entries.map((e) => e.resource)) {
            consent.extension = extensions(consent).filter((e) => e.url !== OPT_OUT_SOURCE);
            if ((consent.extension as Extension[]).length === 0) delete consent.extension;
          }
        }),
      ),
    ),

  // vread and history
  'vread-returns-current-version': (parts) =>
    wrapStore(parts, (inner) => ({ version: async (id, versionId) => ((await inner.version(id, versionId)) ? inner.current(id) : undefined) })),
  'vread-unknown-version-returns-current': (parts) =>
    wrapStore(parts, (inner) => ({ version: async (id, versionId) => (await inner.version(id, versionId)) ?? inner.current(id) })),
  'history-drops-oldest-version': (parts) =>
    wrapStore(parts, (inner) => ({
      history: async (id) => (await inner.history(id))?.slice(0, -1),
      historyForPatient: async (patient) => (await inner.historyForPatient(patient)).slice(0, -1),
    })),
  'history-oldest-first': (parts) =>
    wrapStore(parts, (inner) => ({
      history: async (id) => (await inner.history(id))?.reverse(),
      historyForPatient: async (patient) => (await inner.historyForPatient(patient)).reverse(),
    })),
  'history-ignores-version-filter': (parts) =>
    wrapHandler(parts, 'history-type', (inner) => (exchange, context) => inner(withQuery(exchange, exchange.query.filter(([name]) => name !== 'versionId')), context)),

  // formats: the negotiated representation is changed on the way out
  'xml-requested-json-returned': (parts) =>
    everyResponse(parts, (result, exchange) => {
      if (exchange.media.format === 'xml') exchange.media = { format: 'json', mime: DEFAULT_MIME.json };
      return result;
    }),
  'json-labelled-as-xml': (parts) =>
    everyResponse(parts, (result, exchange) => {
      if (exchange.media.format === 'json') exchange.media = { format: 'json', mime: DEFAULT_MIME.xml };
      return result;
    }),
  'format-parameter-ignored': (parts) =>
    everyResponse(parts, (result, exchange) => {
      const withoutFormat = negotiate(exchange.req, exchange.query.filter(([name]) => name !== '_format'));
      if (!withoutFormat.error) exchange.media = withoutFormat.media;
      return result;
    }),
  'old-mime-types-not-echoed': (parts) =>
    everyResponse(parts, (result, exchange) => {
      const current = OLD_MIME_GENERATION[exchange.media.mime];
      if (current) exchange.media = { ...exchange.media, mime: current };
      return result;
    }),
  'content-type-text-plain': (parts) =>
    everyResponse(parts, (result, exchange) => {
      exchange.media = { ...exchange.media, mime: 'text/plain' };
      return result;
    }),

  // errors, metadata and headers
  'outcome-wrong-coding-system': (parts) =>
    addFilter(
      parts,
      onErrors((result) =>
        editBody(result, (outcome) => {
          for (const issue of outcome.issue as { details?: { coding?: { system?: string }[] } }[]) {
            for (const coding of issue.details?.coding ?? []) coding.system = 'https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1';
          }
        }),
      ),
    ),
  'method-not-allowed-without-allow': (parts) => addFilter(parts, onErrors((result) => withoutHeader(result, 'Allow'), 'NOT_IMPLEMENTED')),
  'metadata-answers-404': (parts) => addFilter(parts, onResults(['metadata'], () => errorResult('UNKNOWN_ROUTE', 'There is no resource at /metadata.'))),
  'capability-omits-update': (parts) =>
    addFilter(
      parts,
      onResults(['metadata'], (result) =>
        editBody(result, (statement) => {
          for (const rest of statement.rest as { resource?: { type: string; interaction?: { code: string }[] }[] }[]) {
            for (const resource of rest.resource ?? []) if (resource.type === 'Consent') resource.interaction = resource.interaction?.filter((i) => i.code !== 'update');
          }
        }),
      ),
    ),
  'etag-missing': (parts) => addFilter(parts, onResults(['create', 'update', 'vread'], (result) => withoutHeader(result, 'ETag'))),
};
