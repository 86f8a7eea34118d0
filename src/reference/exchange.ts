/**
 * The shapes every part of the server shares: one request/response exchange, a handler's result,
 * and the seams (handlers, response filters, rules, store) through which behaviour can be replaced,
 * e.g. by fault injection, without touching the rest.
 */
import type { IncomingMessage } from 'node:http';
import type { MediaChoice } from '../fhir/mime.js';
import type { ConsentRule } from './consent-rules.js';
import type { ConsentStore, ResourceData } from './store.js';
import type { QueryParams } from './request-io.js';
import type { ConsentValidator } from './consent-validation.js';

/** The FHIR interactions this server implements, plus `error` for requests that reached none. */
export type Interaction = 'metadata' | 'search-type' | 'create' | 'update' | 'vread' | 'history-instance' | 'history-type' | 'error';

export interface Exchange {
  req: IncomingMessage;
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Decoded path segments, e.g. ['Consent', '<id>', '_history']. */
  segments: string[];
  /** Named path parameters of the matched route, e.g. { id, vid }. */
  pathParams: Record<string, string>;
  query: QueryParams;
  /** Base URL of this server as the client addressed it, without trailing slash. */
  baseUrl: string;
  /** The negotiated response representation. */
  media: MediaChoice;
  /** The request body as text, once a handler has read it. */
  requestBody?: string;
}

/** One request as the server answered it: the exchange, and the status, headers and body written. */
export interface AnsweredExchange {
  exchange: Exchange;
  interaction: Interaction;
  status: number;
  responseHeaders: Record<string, string | number>;
  responseBody: string;
  /** From the request's arrival to the response written. */
  durationMs: number;
}

export interface FhirResult {
  status: number;
  /** Body resource; undefined for an empty body. */
  resource?: ResourceData | undefined;
  headers: Record<string, string>;
  interaction: Interaction;
}

/** Turns a create or update request's body into a Consent (Content-Type, limits, parsing); throws ApiError. */
export type ConsentReader = (exchange: Exchange, context: ServerContext) => Promise<ResourceData>;

export interface ServerContext {
  store: ConsentStore;
  readConsent: ConsentReader;
  validator: ConsentValidator;
  rules: readonly ConsentRule[];
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

export type Handler = (exchange: Exchange, context: ServerContext) => Promise<FhirResult>;

/**
 * Runs on every result (errors included) just before it is serialised: the seam for behaviours that
 * change what goes on the wire (status, headers, body, format) without changing the handlers.
 */
export type ResponseFilter = (result: FhirResult, exchange: Exchange) => FhirResult;
