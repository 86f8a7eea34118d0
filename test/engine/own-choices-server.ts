/**
 * Test double: a conformant NDOP server that makes its own choices wherever the guide leaves them open. It
 * is the reference server behind a rewriting proxy, so everything else stays conformant:
 * - logical ids are upper-case UUIDs, and not version 4 (the guide says only "UUID");
 * - versionIds are opaque UUID-shaped strings, not "1", "2" (FHIR versionIds are opaque; the guide's own
 *   examples show UUIDs), in Location, ETag, meta.versionId, vread, If-Match and the versionId parameter;
 * - Location is relative (RFC 7231 allows it);
 * - a successful create or update answers with no body (the guide requires only the status and Location).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseResource, serializeResource, type Format, type Resource } from '../../src/fhir/index.js';
import { requestBodyFormat } from '../../src/fhir/mime.js';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION_PREFIX = '8c8263ee-f582-4d08-bf84-';
/** Headers of one connection, or recomputed for the rewritten body: never passed through. */
const HOP_BY_HOP = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

/** The reference's lower-case v4 id as this server shows it: upper case, version nibble 1. */
const outId = (id: string): string => (UUID.test(id) ? `${id.slice(0, 14)}1${id.slice(15)}`.toUpperCase() : id);
const inId = (id: string): string => (UUID.test(id) ? `${id.slice(0, 14)}4${id.slice(15)}`.toLowerCase() : id);
/** The reference's "1", "2", ... as this server shows them, and back (anything else passes unchanged). */
const outVersion = (v: string): string => (/^\d+$/.test(v) ? VERSION_PREFIX + v.padStart(12, '0') : v);
const inVersion = (v: string): string => (v.startsWith(VERSION_PREFIX) && /^\d+$/.test(v.slice(VERSION_PREFIX.length)) ? String(Number(v.slice(VERSION_PREFIX.length))) : v);

function mapPath(pathname: string): string {
  const parts = pathname.split('/');
  if (parts[1] === 'Consent' && parts[2] !== undefined && parts[2] !== '_history') parts[2] = inId(parts[2]);
  if (parts[3] === '_history' && parts[4] !== undefined) parts[4] = inVersion(parts[4]);
  return parts.join('/');
}

function mapEtag(value: string, map: (v: string) => string): string {
  return value.replace(/"([^"]+)"/, (_m, v: string) => `"${map(v)}"`);
}

function mapConsent(resource: Record<string, unknown>, mapIdFn: (id: string) => string, mapVersionFn?: (v: string) => string): void {
  if (typeof resource.id === 'string') resource.id = mapIdFn(resource.id);
  const meta = resource.meta as { versionId?: string } | undefined;
  if (mapVersionFn && typeof meta?.versionId === 'string') meta.versionId = mapVersionFn(meta.versionId);
}

/** Rewrites the resource a response carries: Consents directly or as Bundle entries. */
function mapResponseResource(resource: Resource): void {
  if (resource.resourceType === 'Consent') mapConsent(resource, outId, outVersion);
  if (resource.resourceType !== 'Bundle') return;
  for (const entry of (resource.entry as { fullUrl?: string; resource?: Resource }[] | undefined) ?? []) {
    if (entry.resource?.resourceType === 'Consent') mapConsent(entry.resource, outId, outVersion);
    if (entry.fullUrl) entry.fullUrl = entry.fullUrl.replace(/\/Consent\/([^/]+)$/, (_m, id: string) => `/Consent/${outId(id)}`);
  }
}

function rewriteBody(body: string, format: Format | undefined, edit: (r: Resource) => void): string {
  if (!format || body.length === 0) return body;
  try {
    const resource = parseResource(body, format);
    edit(resource);
    return serializeResource(resource, format);
  } catch {
    return body;
  }
}

const formatOf = (contentType: string | undefined): Format | undefined => {
  const chosen = requestBodyFormat(contentType);
  return chosen.ok ? chosen.value.format : undefined;
};

export async function startOwnChoicesServer(options: { faults?: readonly string[] } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const reference: RunningServer = await startReferenceServer({ port: 0, ...(options.faults ? { faults: options.faults } : {}) });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://proxy');
        url.pathname = mapPath(url.pathname);
        const versionId = url.searchParams.get('versionId');
        if (versionId !== null) url.searchParams.set('versionId', inVersion(versionId));
        const id = url.searchParams.get('_id');
        if (id !== null) url.searchParams.set('_id', inId(id));
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
        if (headers['if-match']) headers['if-match'] = mapEtag(headers['if-match'], inVersion);
        const sent = Buffer.concat(chunks).toString('utf8');
        const body = rewriteBody(sent, formatOf(headers['content-type']), (r) => mapConsent(r, inId));
        const answer = await fetch(reference.url + url.pathname + url.search, { method: req.method!, headers, ...(chunks.length > 0 ? { body } : {}), redirect: 'manual' });
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name)) out[name] = value;
        });
        if (out.location) {
          out.location = out.location.replace(/^.*\/Consent\/([^/]+)\/_history\/([^/]+)$/, (_m, i: string, v: string) => `Consent/${outId(i)}/_history/${outVersion(v)}`);
        }
        if (out.etag) out.etag = mapEtag(out.etag, outVersion);
        const written = (req.method === 'POST' && answer.status === 201) || (req.method === 'PUT' && answer.status === 200);
        let text = await answer.text();
        if (written) {
          text = '';
          delete out['content-type'];
        } else {
          text = rewriteBody(text, formatOf(out['content-type']), mapResponseResource);
        }
        res.writeHead(answer.status, out);
        res.end(text);
      })().catch((err: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await reference.close();
    },
  };
}
