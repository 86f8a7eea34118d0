/** The embedded reference NDOP server: public API. */
export { createRequestHandler, startReferenceServer, DEFAULT_HANDLERS, DEFAULT_MAX_BODY_BYTES, DEFAULT_BODY_TIMEOUT_MS } from './server.js';
export type { ReferenceServerOptions, RunningServer } from './server.js';
export { MemoryConsentStore } from './store.js';
export type { ConsentStore, ConsentIndex, StoredVersion, CreateResult, UpdateResult, ResourceData, MemoryStoreOptions } from './store.js';
export { DEFAULT_CONSENT_RULES, partyXorProxy, statusActiveOrInactive, dateTimeComplete, duplicateKey, PROXY_ROLE_EXTENSION } from './consent-rules.js';
export type { ConsentRule, RuleViolation } from './consent-rules.js';
export type { AnsweredExchange, ConsentReader, Exchange, FhirResult, Handler, Interaction, ResponseFilter, ServerContext } from './exchange.js';
export { readConsentBody } from './consent-body.js';
export type { ConsentValidator } from './consent-validation.js';
export { ERROR_CATALOGUE, ApiError, buildOperationOutcome, SPINE_OPERATION_OUTCOME_PROFILE, SPINE_ERROR_CODE_SYSTEM } from './outcome.js';
export { ROUTES } from './router.js';
export { capabilityStatement } from './handlers/metadata.js';
