/** HTTP transport of the harness: one function to send, one evidence type for the reporters. */
export { send } from './http-client.js';
export type { Exchange, OutgoingRequest, TransportOptions } from './http-client.js';
export type { Evidence, EvidenceRequest, EvidenceResponse } from './evidence.js';
export { REDACTED } from './evidence.js';
export { redactHeaders, ALWAYS_SECRET } from './redact.js';
export { connectionTls, explainTlsError, tlsSecretValues, TlsConfigError, DEFAULT_TLS_SETTINGS, DEFAULT_PASSPHRASE_ENV, MIN_TLS_VERSION } from './tls.js';
export type { TlsSettings, ConnectionTls } from './tls.js';
