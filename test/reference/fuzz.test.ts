/**
 * Property-based fuzzing of request bodies, query strings and paths: whatever arrives, the server
 * answers below 500 with either a valid Spine-OperationOutcome-1 or a valid resource, and keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { serializeResource } from '../../src/fhir/index.js';
import type { Format, Resource } from '../../src/fhir/index.js';
import { PROFILES } from '../../src/validation/index.js';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import { MIME, call, consentFor, errorsOf, parseBody } from './helpers.js';
import type { HttpResult } from './helpers.js';

let server: RunningServer;
const internalErrors: string[] = [];
beforeAll(async () => {
  server = await startReferenceServer({ log: (line) => line.startsWith('internal') && internalErrors.push(line) });
});
afterAll(() => server.close());

/** The invariant of every response: no 5xx, and a body that is a valid OperationOutcome or resource. */
function checkResponse(res: HttpResult): void {
  expect(res.status, res.text).toBeLessThan(500);
  if (res.text === '') return;
  const resource = parseBody(res);
  if (resource.resourceType === 'OperationOutcome') {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(errorsOf(resource, PROFILES.operationOutcome)).toEqual([]);
  } else if (resource.resourceType === 'Consent') {
    expect(errorsOf(resource, PROFILES.consent)).toEqual([]);
  } else {
    expect(['Bundle', 'CapabilityStatement']).toContain(resource.resourceType);
    expect(errorsOf(resource)).toEqual([]);
  }
}

const format = fc.constantFrom<Format>('json', 'xml');
const RUNS = 60;

/** A path into the Consent's JSON and a new value for it (or deletion). */
const mutation = fc.record({
  steps: fc.array(fc.oneof(fc.constantFrom('extension', 'status', 'patient', 'reference', 'consentingParty', 'policy', 'purpose', 'uri', 'system', 'code', 'valueCodeableConcept', 'coding', 'organization', 'dateTime', 'meta', 'id'), fc.nat(2)), { minLength: 1, maxLength: 5 }),
  value: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 12 })),
});

function mutate(resource: Resource, change: { steps: Array<string | number>; value: unknown }): Resource {
  const copy = structuredClone(resource) as Record<string, unknown>;
  let node: unknown = copy;
  const steps = change.steps;
  for (let i = 0; i < steps.length - 1; i++) {
    const next = (node as Record<string | number, unknown>)[steps[i]!];
    if (!next || typeof next !== 'object') break;
    node = next;
  }
  const last = steps[steps.length - 1]!;
  if (node && typeof node === 'object') {
    if (change.value === undefined) delete (node as Record<string | number, unknown>)[last];
    else (node as Record<string | number, unknown>)[last] = change.value;
  }
  return copy as Resource;
}

function asText(resource: Resource, wanted: Format): { text: string; format: Format } {
  try {
    return { text: serializeResource(resource, wanted), format: wanted };
  } catch {
    // The codec refuses to write what is not FHIR; send it as raw JSON instead, which the server must refuse cleanly.
    return { text: JSON.stringify(resource), format: 'json' };
  }
}

describe('fuzzing', () => {
  it('mutated Consents are created or refused cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), format, fc.constantFrom('POST', 'PUT'), async (changes, wanted, method) => {
        const mutated = changes.reduce(mutate, consentFor());
        const { text, format: sent } = asText(mutated, wanted);
        const path = method === 'POST' ? '/Consent' : `/Consent/${String(mutated.id ?? 'x')}`;
        checkResponse(await call(server.url, method, path, { headers: { 'content-type': MIME[sent], accept: MIME[wanted] }, body: text }));
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary JSON and XML-like bodies are refused cleanly', async () => {
    const xmlish = fc
      .array(fc.oneof(fc.constantFrom('<Consent xmlns="http://hl7.org/fhir">', '</Consent>', '<status value="active"/>', '<', '>', '&amp;', '&bogus;', '<![CDATA[', '<!DOCTYPE x [<!ENTITY a "b">]>', '<?xml version="1.0"?>', '"', "'"), fc.string({ maxLength: 8 })), { maxLength: 12 })
      .map((parts) => ({ text: parts.join(''), format: 'xml' as Format }));
    const jsonish = fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v) ?? 'null', format: 'json' as Format }));
    const consentish = fc.jsonValue({ maxDepth: 2 }).map((v) => ({ text: JSON.stringify({ resourceType: 'Consent', status: v, patient: v }), format: 'json' as Format }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(xmlish, jsonish, consentish), format, async (payload, accept) => {
        checkResponse(await call(server.url, 'POST', '/Consent', { headers: { 'content-type': MIME[payload.format], accept: MIME[accept] }, body: payload.text }));
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary query strings on search and history are answered cleanly', async () => {
    const piece = fc.oneof(
      fc.constantFrom('patient', '_id', 'purpose', 'category', 'versionId', '_format', '=', '&', '%', '%2', '%zz', '%E0%A4%A', '+', '|', 'https://demographics.spineservices.nhs.uk/STU3/Patient/', '9990000018', '6105551234', 'xml', 'json'),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 10 }), fc.constantFrom('/Consent', '/Consent/_history', '/metadata'), async (parts, path) => {
        const query = parts.join('').replace(/[#\s]/g, (c) => encodeURIComponent(c));
        checkResponse(await call(server.url, 'GET', `${path}?${query}`));
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary methods, paths and headers are answered cleanly', async () => {
    const segment = fc.oneof(fc.constantFrom('Consent', '_history', 'metadata', '1', '..', '%2F', '%', '_search', 'Patient'), fc.stringMatching(/^[A-Za-z0-9._~-]{0,8}$/));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.array(segment, { maxLength: 5 }),
        fc.constantFrom(undefined, '*/*', 'text/html', 'application/fhir+xml;q=0.1, application/json', 'application/xml+fhir', ';;;', 'application/fhir+json; charset=latin1'),
        async (method, segments, accept) => {
          const headers: Record<string, string> = accept === undefined ? {} : { accept };
          const res = await call(server.url, method, `/${segments.join('/')}`, { headers, ...(method === 'POST' || method === 'PUT' ? { body: '{}' } : {}) });
          checkResponse(res);
        },
      ),
      { numRuns: RUNS },
    );
    expect(internalErrors).toEqual([]);
    expect((await call(server.url, 'GET', '/metadata')).status).toBe(200);
  });
});
