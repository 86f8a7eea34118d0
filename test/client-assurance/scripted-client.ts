/**
 * A scripted NDOP client, as a supplier's would be: the guide's workflow (search, create, search, update,
 * vread, history) for one patient in JSON through fhir-kit-client and for another in XML over plain HTTP,
 * every request with a new audit JWT and the Spine headers. Each named fault of client-faults.yaml makes
 * it break one client duty, so that client assurance mode can be shown to catch it.
 */
import { Client } from 'fhir-kit-client';
import { serializeResource, type Resource } from '../../src/fhir/index.js';
import { spineHeaders } from '../../src/spine/headers.js';
import { type SpineInteraction } from '../../src/spine/interactions.js';
import { auditClaims, authorizationValue, encodeJwt, expiredOverrides, type ClaimOverrides } from '../../src/spine/jwt.js';
import { PDS, consentFor, syntheticNhsNumber } from '../reference/helpers.js';

const REQUESTER = { asid: '200000000205', odsCode: 'X26' };
const PROVIDER_ASID = '200000001115';

type Fault = string;

class Journey {
  private firstToken?: string;
  private firstTraceId?: string;

  constructor(
    private readonly baseUrl: string,
    private readonly faults: ReadonlySet<Fault>,
  ) {}

  has(fault: Fault): boolean {
    return this.faults.has(fault);
  }

  /** The headers of one request: a new JWT and Spine headers, unless a fault says otherwise. */
  async headers(interaction: SpineInteraction, patientRef: string | undefined, claims: ClaimOverrides = {}): Promise<Record<string, string>> {
    let token = await encodeJwt(auditClaims({ interaction, ...(patientRef ? { patientRef } : {}) }, REQUESTER, {}, claims));
    if (this.has('reused-jwt')) token = this.firstToken ??= token;
    const spine = spineHeaders(interaction, { to: PROVIDER_ASID, interactionIds: {}, headers: {} });
    if (this.has('duplicate-trace-id')) spine['ssp-traceid'] = this.firstTraceId ??= spine['ssp-traceid']!;
    return { authorization: authorizationValue('Authorization', token), ...spine };
  }

  /** Claims the create's token gets under the JWT faults. */
  createClaims(): ClaimOverrides {
    if (this.has('expired-jwt')) return expiredOverrides();
    if (this.has('wrong-scope')) return { requested_scopes: 'consent/*.read', scope: 'consent/*.read' };
    if (this.has('wrong-audience')) return { aud: 'https://example.org/not-spine' };
    return {};
  }

  /** The Consent the create sends, broken by the body faults. */
  newConsent(nhs: string): Resource {
    return consentFor(nhs, (c) => {
      if (this.has('id-on-create')) c.id = '783ffeef-538e-4a17-bed2-983a382ccdd7';
      if (this.has('bad-datetime')) c.dateTime = '2017-12-14';
      if (this.has('missing-opt-out-source')) delete c.extension;
      if (this.has('party-and-proxy')) {
        c.extension = [...((c.extension as unknown[]) ?? []), { url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-NDOP-ProxyRole-1', valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/v3/RoleCode', code: 'MTH', display: 'mother' }] } }];
      }
    });
  }

  /** The whole current version with its status changed: what an update sends, unless a fault trims it. */
  updatedConsent(current: Resource): Resource {
    const { meta: _meta, ...rest } = current;
    if (this.has('partial-put')) return { resourceType: 'Consent', id: current.id, status: 'inactive' } as Resource;
    const next = { ...rest, status: 'inactive' } as Resource;
    if (this.has('put-without-id')) delete next.id;
    return next;
  }

  /** Search, create, search, update, vread, history for one patient in JSON, through fhir-kit-client. */
  async json(): Promise<void> {
    const nhs = syntheticNhsNumber();
    const patient = `${PDS}${nhs}`;
    const client = new Client({ baseUrl: this.baseUrl });
    const options = async (interaction: SpineInteraction, claims: ClaimOverrides = {}) => ({ headers: await this.headers(interaction, patient, claims) });
    await client.capabilityStatement({ headers: await this.headers('metadata', undefined) });
    const searchFor = this.has('bare-nhs-number-search') ? nhs : patient;
    if (!this.has('create-without-search')) {
      await client.search({ resourceType: 'Consent', searchParams: { patient: searchFor }, options: await options('search-type') }).catch(() => undefined);
    }
    if (this.has('missing-trace-id')) await this.withoutTraceId(patient);
    let created: Resource;
    try {
      created = (await client.create({ resourceType: 'Consent', body: this.newConsent(nhs), options: await options('create', this.createClaims()) })) as Resource;
    } catch {
      return; // The server refused the faulty create: nothing to update.
    }
    await client.search({ resourceType: 'Consent', searchParams: { patient }, options: await options('search-type') });
    const id = String(created.id);
    try {
      await client.update({ resourceType: 'Consent', id, body: this.updatedConsent(created), options: await options('update') });
    } catch {
      // A faulty update is refused; the session goes on as a client's would.
    }
    await client.vread({ resourceType: 'Consent', id, version: '1', options: await options('vread') });
    await client.history({ resourceType: 'Consent', id, options: await options('history-instance') });
  }

  /** A search sent without Ssp-TraceID (the missing-trace-id fault). */
  private async withoutTraceId(patient: string): Promise<void> {
    const headers = await this.headers('search-type', patient);
    delete headers['ssp-traceid'];
    await this.send('GET', `/Consent?patient=${encodeURIComponent(patient)}`, headers);
  }

  private async send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: { accept: 'application/fhir+xml', ...headers }, ...(body ? { body } : {}) });
    return { status: res.status, text: await res.text() };
  }

  /** Search, create (XML body), search, update (XML body) for a second patient, over plain HTTP. */
  async xml(): Promise<void> {
    const nhs = syntheticNhsNumber();
    const patient = `${PDS}${nhs}`;
    const query = `/Consent?patient=${encodeURIComponent(patient)}`;
    await this.send('GET', query, await this.headers('search-type', patient));
    const contentType = this.has('wrong-mime') ? 'text/plain' : 'application/fhir+xml';
    const created = await this.send('POST', '/Consent', { 'content-type': contentType, ...(await this.headers('create', patient)) }, serializeResource(consentFor(nhs), 'xml'));
    if (created.status !== 201) return;
    const id = /<id value="([^"]+)"/.exec(created.text)![1]!;
    await this.send('GET', query, await this.headers('search-type', patient));
    const current = consentFor(nhs, (c) => (c.id = id));
    await this.send('PUT', `/Consent/${id}`, { 'content-type': 'application/fhir+xml', ...(await this.headers('update', patient)) }, serializeResource({ ...current, status: 'inactive' } as Resource, 'xml'));
  }
}

/** The whole scripted session against `baseUrl`, with the given faults. */
export async function runScriptedClient(baseUrl: string, faults: readonly Fault[] = []): Promise<void> {
  const journey = new Journey(baseUrl, new Set(faults));
  await journey.json();
  await journey.xml();
}
