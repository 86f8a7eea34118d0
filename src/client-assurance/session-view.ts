/** A recorded session read for checking: the Consents the client sent, query parameters, versions it saw. */
import { parseResource, type Format } from '../fhir/index.js';
import { requestBodyFormat } from '../fhir/mime.js';
import type { RecordedBody, RecordedExchange } from './session.js';

type Resource = Record<string, unknown> & { resourceType?: string };

export interface ConsentWrite {
  x: RecordedExchange;
  consent?: Resource & { resourceType: string };
  parseError?: string;
}

/** The body as a FHIR resource: by its Content-Type, else by its first character (the MIME check reports a bad label). */
function parseBody(body: RecordedBody | undefined, contentType: string | undefined): { resource?: Resource; error?: string } {
  if (!body) return { error: 'no body' };
  if (body.originalLength !== undefined) return { error: `the body (${body.originalLength} characters) was cut at the recording limit` };
  const declared = requestBodyFormat(contentType);
  const format: Format = declared.ok ? declared.value.format : body.text.trimStart().startsWith('<') ? 'xml' : 'json';
  try {
    return { resource: parseResource(body.text, format) as Resource };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const CREATE_PATH = /^\/Consent\/?$/;
const UPDATE_PATH = /^\/Consent\/([^/?]+)$/;

export class SessionView {
  private readonly writes: ConsentWrite[];

  constructor(readonly exchanges: readonly RecordedExchange[]) {
    // A body the server refused unread (a 415) cannot be judged; the MIME rule reports why it was refused.
    this.writes = exchanges
      .filter((x) => !x.request.bodyUnread)
      .filter((x) => (x.request.method === 'POST' && CREATE_PATH.test(this.path(x))) || (x.request.method === 'PUT' && UPDATE_PATH.test(this.path(x))))
      .map((x) => {
        const { resource, error } = parseBody(x.request.body, x.request.headers['content-type']);
        if (resource && resource.resourceType !== 'Consent') return { x, parseError: `the body is a ${String(resource.resourceType)}, not a Consent` };
        return resource ? { x, consent: { ...resource, resourceType: 'Consent' } } : { x, parseError: error };
      });
  }

  private path(x: RecordedExchange): string {
    return x.request.url.split('?')[0]!;
  }

  /** Creates (POST /Consent) and updates (PUT /Consent/{id}) in session order, with the Consent each sent. */
  consentWrites(only?: 'create' | 'update'): ConsentWrite[] {
    return only ? this.writes.filter((w) => (only === 'create') === (w.x.request.method === 'POST')) : this.writes;
  }

  /** A decoded query parameter of the request, if given. */
  queryParam(x: RecordedExchange, name: string): string | undefined {
    const query = x.request.url.split('?')[1];
    return query === undefined ? undefined : (new URLSearchParams(query).get(name) ?? undefined);
  }

  /** The {id} of /Consent/{id}. */
  pathId(x: RecordedExchange): string {
    return decodeURIComponent(UPDATE_PATH.exec(this.path(x))?.[1] ?? '');
  }

  /** The newest version of Consent `id` the client had been sent before request `beforeSeq` (create, vread, search or history responses). */
  lastKnownVersion(id: string, beforeSeq: number): Resource | undefined {
    let newest: Resource | undefined;
    const version = (r: Resource) => Number((r.meta as { versionId?: string } | undefined)?.versionId ?? 0);
    for (const x of this.exchanges) {
      if (x.seq >= beforeSeq || x.response.status >= 300) continue;
      const { resource } = parseBody(x.response.body, x.response.headers['content-type']);
      if (!resource) continue;
      const entries = resource.resourceType === 'Bundle' ? ((resource.entry as { resource?: Resource }[] | undefined) ?? []).map((e) => e.resource) : [resource];
      for (const r of entries) if (r?.resourceType === 'Consent' && r.id === id && (!newest || version(r) >= version(newest))) newest = r;
    }
    return newest;
  }
}
