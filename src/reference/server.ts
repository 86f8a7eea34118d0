/**
 * The request pipeline: target → negotiation → route → handler → filters → serialisation → log.
 * Every failure, expected (ApiError) or not, becomes a Spine-OperationOutcome-1 in the negotiated
 * format; nothing a client sends can crash the process or leave a request unanswered.
 */
import { createServer, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentTypeHeader, DEFAULT_MIME } from '../fhir/mime.js';
import type { MediaChoice } from '../fhir/mime.js';
import { negotiate } from './negotiation.js';
import { DEFAULT_CONSENT_RULES } from './consent-rules.js';
import type { ConsentRule } from './consent-rules.js';
import { consentValidator } from './consent-validation.js';
import type { ConsentValidator } from './consent-validation.js';
import type { AnsweredExchange, ConsentReader, Exchange, FhirResult, Handler, ResponseFilter, ServerContext } from './exchange.js';
import { readConsentBody } from './consent-body.js';
import { create } from './handlers/create.js';
import { instanceHistory, typeHistory } from './handlers/history.js';
import { metadata } from './handlers/metadata.js';
import { search } from './handlers/search.js';
import { update } from './handlers/update.js';
import { vread } from './handlers/vread.js';
import { ApiError, buildOperationOutcome } from './outcome.js';
import { ClientGoneError, parseQuery, pathSegments, splitTarget } from './request-io.js';
import type { QueryParams } from './request-io.js';
import { route } from './router.js';
import { checkAuditJwt, type JwtRequirement } from './jwt-guard.js';
import { serverTlsOptions, type ServerTlsFiles } from './tls.js';
import { applyFaults, asDefaultStore } from './faults/index.js';
import { serializeForWire } from './wire.js';
import { writeSoon } from './response-batch.js';
import type { RoutedInteraction } from './router.js';
import { MemoryConsentStore } from './store.js';
import type { ConsentStore } from './store.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

export const DEFAULT_HANDLERS: Readonly<Record<RoutedInteraction, Handler>> = {
  metadata,
  'search-type': search,
  create,
  update,
  vread,
  'history-instance': instanceHistory,
  'history-type': typeHistory,
};

export interface ReferenceServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Receives one line per request: method, path, status, duration. */
  log?: (line: string) => void;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Time allowed for a request body to arrive (default 10 s). */
  bodyTimeoutMs?: number;
  /** Where Consents live; a fresh in-memory store by default. */
  store?: ConsentStore;
  /** Base URL for Location, fullUrl and links; by default http://<Host header>. */
  baseUrl?: string;
  /** Seams for replacing behaviour (fault injection): business rules, validation, body reading, handlers, response filters. */
  rules?: readonly ConsentRule[];
  validator?: ConsentValidator;
  readConsent?: ConsentReader;
  handlers?: Partial<Record<RoutedInteraction, Handler>>;
  responseFilters?: readonly ResponseFilter[];
  /** Named faults from src/reference/faults/catalogue.yaml, applied on top of the parts above (self-verification). */
  faults?: readonly string[];
  /** Called once per answered request with what was asked and what was sent (client assurance mode records it). */
  onExchange?: (answered: AnsweredExchange) => void;
  /** Require an audit JWT on every routed request (`--require-jwt`; jwt-guard.ts). */
  requireJwt?: JwtRequirement;
  /** Serve HTTPS (`--tls-cert --tls-key`), with mutual TLS when a client CA is given (`--tls-ca`). */
  tls?: ServerTlsFiles;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  close(): Promise<void>;
}

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function baseUrlFor(req: IncomingMessage, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  const host = req.headers.host;
  const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  return `${scheme}://${host !== undefined && isHostHeader(host) ? host : 'localhost'}`;
}

/** The last Host header found valid: clients send the same one on every request. */
let validHost: string | undefined;

function isHostHeader(host: string): boolean {
  if (host === validHost) return true;
  if (!HOST_HEADER.test(host)) return false;
  validHost = host;
  return true;
}

function errorResult(error: ApiError): FhirResult {
  return {
    status: error.status,
    resource: buildOperationOutcome(error.key, error.diagnostics, error.extraIssues),
    headers: { ...error.headers },
    interaction: 'error',
  };
}

/**
 * A copy of a result's headers to add Content-Type and Content-Length to. Not `{ ...headers }`: V8 gives a
 * spread copy a hidden class outside its transition tree, so each property added afterwards builds a new
 * one (about 0.4 us each, every response); a copy made property by property reuses the cached ones.
 */
function headersToAddTo(headers: Readonly<Record<string, string>>): Record<string, string | number> {
  const copy: Record<string, string | number> = {};
  for (const name of Object.keys(headers)) {
    // An own property named __proto__, as a spread would make it (an assignment would set the prototype).
    if (name === '__proto__') Object.defineProperty(copy, name, { value: headers[name], enumerable: true, writable: true, configurable: true });
    else copy[name] = headers[name]!;
  }
  return copy;
}

/** The status line, headers and body text of a result in the negotiated format. */
function wireForm(result: FhirResult, media: MediaChoice): { headers: Record<string, string | number>; body: string } {
  let body = '';
  if (result.resource) body = serializeForWire(result.resource, media.format);
  const headers = headersToAddTo(result.headers);
  if (result.resource) headers['Content-Type'] = contentTypeHeader(media);
  headers['Content-Length'] = Buffer.byteLength(body);
  return { headers, body };
}

export function createRequestHandler(options: ReferenceServerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const parts = applyFaults(
    {
      store: options.store ?? asDefaultStore(new MemoryConsentStore()),
      readConsent: options.readConsent ?? readConsentBody,
      validator: options.validator ?? lazyValidator(),
      rules: options.rules ?? DEFAULT_CONSENT_RULES,
      handlers: { ...DEFAULT_HANDLERS, ...options.handlers },
      responseFilters: options.responseFilters ?? [],
    },
    options.faults ?? [],
  );
  const context: ServerContext = {
    store: parts.store,
    readConsent: parts.readConsent,
    validator: parts.validator,
    rules: parts.rules,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
  };
  const { handlers, responseFilters: filters } = parts;
  const onExchange = options.onExchange;
  const log = options.log;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number | undefined> {
    const startedAt = onExchange ? performance.now() : 0;
    const method = req.method ?? 'GET';
    const { rawPath, rawQuery } = splitTarget(req.url);
    let query: QueryParams | undefined;
    let queryError: ApiError | undefined;
    try {
      query = parseQuery(rawQuery);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      queryError = error;
    }
    const { media, error: negotiationError } = negotiate(req, query);
    const exchange: Exchange = { req, method, rawPath, rawQuery, segments: [], pathParams: {}, query: query ?? [], baseUrl: baseUrlFor(req, options.baseUrl), media };

    let result: FhirResult;
    try {
      if (negotiationError) throw negotiationError;
      if (queryError) throw queryError;
      exchange.segments = pathSegments(rawPath);
      const matched = route(method, exchange.segments);
      if (options.requireJwt) await checkAuditJwt(req, matched.interaction, options.requireJwt);
      exchange.pathParams = matched.params;
      result = await handlers[matched.interaction](exchange, context);
    } catch (error) {
      if (error instanceof ClientGoneError) return undefined;
      if (error instanceof ApiError) result = errorResult(error);
      else {
        log?.(`internal error on ${method} ${rawPath}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        result = errorResult(new ApiError('INTERNAL', 'The server met an unexpected error while handling this request.'));
      }
    }
    for (const filter of filters) result = filter(result, exchange);
    if (res.headersSent || res.destroyed) return undefined;
    const wire = wireForm(result, exchange.media);
    // Recorded before it is sent: a client can never see an answer the recording does not hold.
    onExchange?.({ exchange, interaction: result.interaction, status: result.status, responseHeaders: wire.headers, responseBody: wire.body, durationMs: performance.now() - startedAt });
    // Written with the other answers of this event-loop turn (response-batch.ts); a client gone meanwhile gets nothing.
    const sent = await writeSoon(() => {
      if (res.destroyed) return false;
      res.writeHead(result.status, wire.headers);
      res.end(wire.body);
      return true;
    });
    return sent ? result.status : undefined;
  }

  /** The log line of one answered request (none without a log; a log that throws must not take the server down). */
  function logAnswer(req: IncomingMessage, started: bigint, status: number | undefined): void {
    if (!log) return;
    try {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${splitTarget(req.url).rawPath} ${status ?? 'client-gone'} ${ms.toFixed(1)}ms`);
    } catch {
      // Nothing to do: the request was answered.
    }
  }

  /** Only a failure to serialise or write lands here: answer with a minimal JSON outcome if we still can. */
  function answerFailure(req: IncomingMessage, res: ServerResponse, error: unknown): number {
    log?.(`failed to answer ${req.method} ${splitTarget(req.url).rawPath}: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent && !res.destroyed) {
      const outcome = buildOperationOutcome('INTERNAL', 'The server could not write its response.');
      const body = JSON.stringify(outcome);
      res.writeHead(500, { 'Content-Type': contentTypeHeader({ format: 'json', mime: DEFAULT_MIME.json }), 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } else if (!res.writableEnded) res.destroy();
    return 500;
  }

  return (req, res) => {
    // One promise reaction per request; the clock is read only for a log line.
    const started = log ? process.hrtime.bigint() : 0n;
    void handle(req, res).then(
      (status) => logAnswer(req, started, status),
      (error: unknown) => {
        let status: number;
        try {
          status = answerFailure(req, res, error);
        } catch {
          return;
        }
        logAnswer(req, started, status);
      },
    );
  };
}

/**
 * Requests Node cannot parse (bad request line, oversized headers, header timeout) never reach the
 * handler; they still get an OperationOutcome (JSON: nothing could be negotiated) before the socket closes.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError('BODY_TIMEOUT', 'The request did not arrive in time.')
        : new ApiError('HTTP_MALFORMED', `The request is not valid HTTP/1.1 (${error.code ?? error.message}).`);
  const body = JSON.stringify(buildOperationOutcome(problem.key, problem.diagnostics));
  const reason = STATUS_CODES[problem.status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: ${contentTypeHeader({ format: 'json', mime: DEFAULT_MIME.json })}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Compiles the profile validator on first use, so that starting a server stays instant. */
function lazyValidator(): ConsentValidator {
  let validator: ConsentValidator | undefined;
  return {
    check(consent) {
      validator ??= consentValidator();
      validator.check(consent);
    },
  };
}

export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<RunningServer> {
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const handler = createRequestHandler(options);
  const server: Server = options.tls ? createHttpsServer(serverTlsOptions(options.tls), handler) : createServer(handler);
  // Node's own limits sit behind ours, so that a slow client normally gets our 408 OperationOutcome first.
  server.requestTimeout = bodyTimeoutMs + 5_000;
  server.headersTimeout = Math.min(bodyTimeoutMs + 5_000, 60_000);
  server.on('clientError', answerClientError);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: options.baseUrl?.replace(/\/+$/, '') ?? `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
