/**
 * Test double: a generic FHIR server that stores any Consent and knows nothing of NDOP. It keeps client ids on
 * create, never checks duplicates, creates on update, ignores business rules, unknown parameters, If-Match and
 * unsupported media types, allows DELETE, and answers errors with a plain OperationOutcome (no Spine profile).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseResource, serializeResource, type Format, type Resource } from '../../src/fhir/index.js';

interface Version { resource: Resource; method: 'POST' | 'PUT'; }

function formatFor(req: http.IncomingMessage, url: URL): Format {
  const wanted = url.searchParams.get('_format') ?? req.headers.accept ?? '';
  return wanted.includes('xml') ? 'xml' : 'json';
}

export async function startGenericServer(): Promise<{ url: string; close(): Promise<void> }> {
  const store = new Map<string, Version[]>();
  let base = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle();
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
    const handle = (): void => {
      const url = new URL(req.url ?? '/', base);
      const format = formatFor(req, url);
      const reply = (status: number, resource?: Resource, headers: Record<string, string> = {}): void => {
        const body = resource ? serializeResource(resource, format) : '';
        res.writeHead(status, { ...(resource ? { 'content-type': `application/fhir+${format}` } : {}), ...headers });
        res.end(body);
      };
      const fail = (status: number, diagnostics: string): void =>
        reply(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics }] });
      const readBody = (): Resource | undefined => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          return parseResource(text, (req.headers['content-type'] ?? '').includes('xml') ? 'xml' : 'json');
        } catch (err) {
          fail(400, (err as Error).message);
          return undefined;
        }
      };
      const save = (id: string, resource: Resource, method: 'POST' | 'PUT'): void => {
        const versions = store.get(id) ?? [];
        const stored = { ...resource, id, meta: { ...(resource.meta as object), versionId: String(versions.length + 1), lastUpdated: new Date().toISOString() } };
        versions.push({ resource: stored, method });
        store.set(id, versions);
        reply(versions.length === 1 ? 201 : 200, stored, { location: `${base}/Consent/${id}/_history/${versions.length}`, etag: `W/"${versions.length}"` });
      };
      const bundle = (type: string, resources: Resource[]): Resource => ({
        resourceType: 'Bundle', type, total: resources.length,
        ...(resources.length === 0 ? {} : { entry: resources.map((r) => ({ fullUrl: `${base}/Consent/${String(r.id)}`, resource: r, ...(type === 'searchset' ? { search: { mode: 'match' } } : {}) })) }),
      });
      const latest = (): Resource[] => [...store.values()].map((v) => v.at(-1)!.resource);
      const byPatient = (r: Resource): boolean => {
        const patient = url.searchParams.get('patient');
        const id = url.searchParams.get('_id');
        return (!patient || (r.patient as { reference?: string } | undefined)?.reference === patient) && (!id || r.id === id);
      };
      const parts = url.pathname.split('/').filter(Boolean);

      if (url.pathname === '/metadata') {
        return reply(200, { resourceType: 'CapabilityStatement', status: 'active', date: '2026-01-01', kind: 'instance', fhirVersion: '3.0.1', acceptUnknown: 'no', format: ['json', 'xml'],
          rest: [{ mode: 'server', resource: [{ type: 'Consent', interaction: ['create', 'update', 'read', 'vread', 'delete', 'search-type', 'history-type', 'history-instance'].map((code) => ({ code })) }] }] });
      }
      if (parts[0] !== 'Consent') return fail(404, `unknown resource type ${parts[0] ?? ''}`);
      if (parts.length === 1 && req.method === 'POST') {
        const resource = readBody();
        if (resource) save(typeof resource.id === 'string' ? resource.id : randomUUID(), resource, 'POST');
        return;
      }
      if (parts.length === 1 && req.method === 'GET') return reply(200, bundle('searchset', latest().filter(byPatient)));
      if (parts[1] === '_history') {
        const all = [...store.values()].flat().map((v) => v.resource).filter(byPatient).reverse();
        return reply(200, bundle('history', all));
      }
      const id = parts[1]!;
      const versions = store.get(id);
      if (parts.length === 2 && req.method === 'PUT') {
        const resource = readBody();
        if (resource) save(id, resource, 'PUT');
        return;
      }
      if (parts.length === 2 && req.method === 'DELETE') {
        store.delete(id);
        return reply(204);
      }
      if (!versions) return fail(404, `no Consent ${id}`);
      if (parts.length === 2) return reply(200, versions.at(-1)!.resource);
      if (parts.length === 3) return reply(200, bundle('history', versions.map((v) => v.resource).reverse()));
      const version = versions[Number(parts[3]) - 1];
      return version ? reply(200, version.resource) : fail(404, `no version ${parts[3]}`);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
