/**
 * A target that misbehaves at the transport level, one mode per behaviour (issue 6, hostile targets).
 * Each mode answers every request the same hostile way; the canned bodies are in ./responses/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOSTILE_MODES = [
  'refused', 'silent', 'trickle', 'reset-mid-body', 'html-500', 'invalid-body', 'huge-body', 'redirect-loop', 'self-signed-tls', 'outcome-500',
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

/** The size of the huge-body response: far more than any limit a run configures. */
export const HUGE_BODY_BYTES = 50 * 1024 * 1024;
const TRICKLE_EVERY_MS = 50;

export interface HostileTarget {
  url: string;
  /** Response body bytes the target handed to the connection (huge-body, trickle). */
  bytesSent(): number;
  close(): Promise<void>;
}

const response = (name: string): string => readFileSync(new URL(`./responses/${name}`, import.meta.url), 'utf8');

/** The format a request asked for, by _format or Accept, as a conformant server would choose it. */
function askedFormat(req: http.IncomingMessage): 'xml' | 'json' {
  const format = new URL(req.url ?? '/', 'http://target').searchParams.get('_format') ?? '';
  return `${format} ${req.headers.accept ?? ''}`.includes('xml') ? 'xml' : 'json';
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, sent: (bytes: number) => void) => void;

const HANDLERS: Record<Exclude<HostileMode, 'refused' | 'self-signed-tls'>, Handler> = {
  silent: () => {},
  trickle: (_req, res, sent) => {
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    const timer = setInterval(() => (res.write(' '), sent(1)), TRICKLE_EVERY_MS);
    res.on('close', () => clearInterval(timer));
  },
  'reset-mid-body': (req, res) => {
    const body = response('invalid.json');
    res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': String(body.length * 10) });
    res.write(body);
    setImmediate(() => req.socket.resetAndDestroy());
  },
  'html-500': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
    res.end(response('gateway-500.html'));
  },
  'invalid-body': (req, res) => {
    const format = askedFormat(req);
    const headers: Record<string, string> = { 'content-type': `application/fhir+${format}; charset=utf-8` };
    if (req.method === 'POST') headers.location = `http://${req.headers.host}/Consent/0f8fad5b-d9cb-469f-a165-70867728950e/_history/1`;
    res.writeHead(req.method === 'POST' ? 201 : 200, headers);
    res.end(response(`invalid.${format}`));
  },
  'huge-body': (_req, res, sent) => {
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let total = 0;
    let open = true;
    res.on('close', () => (open = false));
    // Written as the client reads (backpressure), so the target never holds the 50 MB either.
    const pump = (): void => {
      while (open && total < HUGE_BODY_BYTES) {
        total += chunk.length;
        sent(chunk.length);
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (open) res.end();
    };
    pump();
  },
  'redirect-loop': (req, res) => {
    res.writeHead(302, { location: req.url ?? '/' });
    res.end();
  },
  'outcome-500': (_req, res) => {
    res.writeHead(500, { 'content-type': 'application/fhir+json; charset=utf-8' });
    res.end(response('outcome-500.json'));
  },
};

/** A self-signed certificate for 127.0.0.1, made now with openssl: nothing is committed. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ndop-hostile-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'key.pem', '-out', 'cert.pem'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export async function startHostileTarget(mode: HostileMode): Promise<HostileTarget> {
  let bytes = 0;
  if (mode === 'refused') {
    // A port that is certainly closed: bind one, note it, release it.
    const probe = http.createServer();
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return { url: `http://127.0.0.1:${port}`, bytesSent: () => 0, close: async () => {} };
  }
  const handler: http.RequestListener = mode === 'self-signed-tls'
    ? (_req, res) => res.end()
    : (req, res) => {
      req.resume();
      HANDLERS[mode](req, res, (n) => (bytes += n));
    };
  const server = mode === 'self-signed-tls' ? https.createServer(selfSignedCertificate(), handler) : http.createServer(handler);
  const port = await listen(server);
  return {
    url: `${mode === 'self-signed-tls' ? 'https' : 'http'}://127.0.0.1:${port}`,
    bytesSent: () => bytes,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
