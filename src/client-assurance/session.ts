/**
 * The recorded client session: every request the supplier's client sent to the reference server and what
 * it got back, appended to a JSON-lines file as it happens, so that nothing is lost if the process is
 * stopped. Bounded: bodies are cut at a limit and recording stops (counting what it drops) after a maximum
 * number of exchanges. Secrets never reach the file: the audit JWT is kept only as its decoded header and
 * claims plus a fingerprint (to prove reuse), never as the token.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { AnsweredExchange } from '../reference/exchange.js';
import { tokenFromHeader } from '../spine/audit-claims.js';
import { interactionOf, type SpineInteraction } from '../spine/interactions.js';
import { REDACTED } from '../transport/evidence.js';
import { ALWAYS_SECRET } from '../transport/redact.js';

export interface RecordedJwt {
  /** The header that carried it. */
  carriedIn: string;
  /** sha256 of the token, first 16 hex digits: equal fingerprints are the same token sent twice. */
  fingerprint: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Why the token could not be decoded. */
  malformed?: string;
}

export interface RecordedBody {
  text: string;
  /** The whole body's length in characters when `text` was cut. */
  originalLength?: number;
}

export interface RecordedExchange {
  seq: number;
  /** When the server answered (ISO instant). */
  at: string;
  durationMs: number;
  interaction: SpineInteraction;
  /** `bodyUnread`: the request announced a body the server refused before reading it (e.g. 415). */
  request: { method: string; url: string; headers: Record<string, string>; body?: RecordedBody; bodyUnread?: true };
  response: { status: number; headers: Record<string, string>; body?: RecordedBody };
  jwt?: RecordedJwt;
}

export interface SessionLimits {
  maxExchanges: number;
  maxBodyChars: number;
  /** Header names (lower case) whose values are secret besides the standard ones. */
  secretHeaders: readonly string[];
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxExchanges: 10_000, maxBodyChars: 64 * 1024, secretHeaders: [] };

const JWT_HEADERS = ['authorization', 'ssp-authorization'];

function body(text: string | undefined, limit: number): RecordedBody | undefined {
  if (text === undefined || text === '') return undefined;
  return text.length > limit ? { text: text.slice(0, limit), originalLength: text.length } : { text };
}

function recordJwt(headers: Record<string, string>): RecordedJwt | undefined {
  const carriedIn = JWT_HEADERS.find((name) => headers[name] !== undefined && headers[name]!.trim() !== '');
  if (!carriedIn) return undefined;
  const token = tokenFromHeader(headers[carriedIn]!);
  const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 16);
  try {
    return { carriedIn, fingerprint, header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown> };
  } catch (error) {
    return { carriedIn, fingerprint, malformed: (error as Error).message.slice(0, 200) };
  }
}

function announcesBody(headers: Record<string, string>): boolean {
  return (headers['content-length'] !== undefined && headers['content-length'] !== '0') || headers['transfer-encoding'] !== undefined;
}

function flatHeaders(headers: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

function redacted(headers: Record<string, string>, secret: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, secret.has(name) ? REDACTED : value]));
}

/** Appends each answered exchange to `file` as one JSON line, within the limits. */
export class SessionRecorder {
  private seq = 0;
  private dropped = 0;
  private readonly secret: ReadonlySet<string>;

  constructor(
    readonly file: string,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {
    this.secret = new Set([...ALWAYS_SECRET, ...limits.secretHeaders.map((h) => h.toLowerCase())]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ type: 'session', startedAt: new Date().toISOString() })}\n`);
  }

  get recorded(): number {
    return this.seq;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** The server's onExchange hook. Synchronous append: a line is on disk before the next request is answered. */
  record(answered: AnsweredExchange): void {
    if (this.seq >= this.limits.maxExchanges) {
      this.dropped++;
      return;
    }
    const { exchange } = answered;
    const requestHeaders = flatHeaders(exchange.req.headers);
    const url = `${exchange.rawPath}${exchange.rawQuery ? `?${exchange.rawQuery}` : ''}`;
    const entry: RecordedExchange = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      durationMs: Math.round(answered.durationMs * 10) / 10,
      interaction: interactionOf(exchange.method, exchange.rawPath),
      request: {
        method: exchange.method,
        url,
        headers: redacted(requestHeaders, this.secret),
        ...optional('body', body(exchange.requestBody, this.limits.maxBodyChars)),
        ...(exchange.requestBody === undefined && announcesBody(requestHeaders) ? { bodyUnread: true as const } : {}),
      },
      response: { status: answered.status, headers: flatHeaders(answered.responseHeaders), ...optional('body', body(answered.responseBody, this.limits.maxBodyChars)) },
      ...optional('jwt', recordJwt(requestHeaders)),
    };
    appendFileSync(this.file, `${JSON.stringify({ type: 'exchange', ...entry })}\n`);
  }

  /** Marks the end of the session (how many exchanges were dropped over the limit). */
  end(): void {
    appendFileSync(this.file, `${JSON.stringify({ type: 'end', endedAt: new Date().toISOString(), recorded: this.seq, dropped: this.dropped })}\n`);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export interface RecordedSession {
  startedAt?: string;
  endedAt?: string;
  exchanges: RecordedExchange[];
  dropped: number;
  /** Lines that could not be read (a line cut short when the process was killed). */
  unreadableLines: number[];
}

/** The file's lines, decoded one at a time: a long session never becomes one string (V8 caps string length). */
function lines(file: string): string[] {
  const bytes = readFileSync(file);
  const out: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    out.push(bytes.toString('utf8', start, stop));
    start = stop + 1;
  }
  return out;
}

/** Reads a session file; a torn last line (the process killed mid-write) is reported, not fatal. */
export function readSession(file: string): RecordedSession {
  const session: RecordedSession = { exchanges: [], dropped: 0, unreadableLines: [] };
  lines(file)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let entry: { type?: string } & Record<string, unknown>;
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        session.unreadableLines.push(i + 1);
        return;
      }
      if (entry.type === 'session') session.startedAt = entry.startedAt as string;
      else if (entry.type === 'end') {
        session.endedAt = entry.endedAt as string;
        session.dropped = Number(entry.dropped ?? 0);
      } else if (entry.type === 'exchange') {
        const { type: _type, ...exchange } = entry;
        session.exchanges.push(exchange as unknown as RecordedExchange);
      }
    });
  return session;
}
