/** Shared helpers for the reference server tests: fixtures, synthetic patients, response checks. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseResource, serializeResource } from '../../src/fhir/index.js';
import type { Format, Resource } from '../../src/fhir/index.js';
import { completeNhsNumber } from '../../src/fhir/nhs-number.js';
import { sharedValidator } from '../../src/reference/consent-validation.js';
import { PROFILES } from '../../src/validation/index.js';

export const FORMATS: readonly Format[] = ['json', 'xml'];
export const MIME: Record<Format, string> = { json: 'application/fhir+json', xml: 'application/fhir+xml' };
export const PDS = 'https://demographics.spineservices.nhs.uk/STU3/Patient/';
const FIXTURE_PATIENT = 'https://demographics.spineservices.nhs.uk/STU3/Patient/6105551234';

const fixtureDir = new URL('../../fixtures/consent/', import.meta.url);
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, fixtureDir), 'utf8');
}

let serial = Math.floor(Math.random() * 400_000);
/** A fresh synthetic NHS number from the 999 test range, valid under Modulus 11. */
export function syntheticNhsNumber(): string {
  for (;;) {
    serial = (serial + 1) % 1_000_000;
    const nhs = completeNhsNumber(`999${String(serial).padStart(6, '0')}`);
    if (nhs) return nhs;
  }
}

/** Consent-Example-1 from the guide, for a fresh patient (the guide's own NHS number fails Modulus 11). */
export function consentFor(nhs: string = syntheticNhsNumber(), patch: (c: Resource) => void = () => undefined): Resource {
  const consent = parseResource(fixtureText('Consent-Example-1.json').replaceAll(FIXTURE_PATIENT, PDS + nhs), 'json');
  patch(consent);
  return consent;
}

export function body(resource: Resource, format: Format): string {
  return serializeResource(resource, format);
}

/** Parses a response body in the format its Content-Type names. */
export function parseBody(res: { text: string; headers: Record<string, string> }): Resource {
  const type = res.headers['content-type'] ?? '';
  return parseResource(res.text, /xml/.test(type) ? 'xml' : 'json');
}

export function errorsOf(resource: Resource, profile?: string): string[] {
  return sharedValidator()
    .validate(resource, profile)
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.location}: ${i.message}`);
}

export interface ExpectedError {
  status: number;
  code: string;
  details: string;
}

/** The response is the expected error: status, a Spine-OperationOutcome-1 that validates, in the expected format. */
export function expectOutcome(res: { status: number; text: string; headers: Record<string, string> }, expected: ExpectedError, format: Format = 'json'): Resource {
  expect(res.status, res.text).toBe(expected.status);
  expect(res.headers['content-type']).toMatch(new RegExp(`${format}.*; charset=utf-8$`));
  const outcome = parseBody(res);
  expect(outcome.resourceType).toBe('OperationOutcome');
  const issue = (outcome.issue as Array<Record<string, unknown>>)[0]!;
  expect(issue.severity).toBe('error');
  expect(issue.code).toBe(expected.code);
  const coding = (issue.details as { coding: Array<Record<string, string>> }).coding[0]!;
  expect(coding.system).toBe('https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1');
  expect(coding.code).toBe(expected.details);
  expect(typeof coding.display).toBe('string');
  expect(String(issue.diagnostics).length).toBeGreaterThan(10);
  expect(errorsOf(outcome, PROFILES.operationOutcome)).toEqual([]);
  return outcome;
}

/** A Consent the server returned validates against NDOP-Consent-1. */
export function expectValidConsent(resource: Resource): void {
  expect(resource.resourceType).toBe('Consent');
  expect(errorsOf(resource, PROFILES.consent)).toEqual([]);
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** One real HTTP exchange with fetch; headers lower-cased. */
export async function call(baseUrl: string, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<HttpResult> {
  const res = await fetch(baseUrl + path, { method, headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}) });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  return { status: res.status, headers, text: await res.text() };
}

/** POST a Consent in `format`, asking for the same format back. */
export function postConsent(baseUrl: string, consent: Resource | string, format: Format, headers: Record<string, string> = {}): Promise<HttpResult> {
  const text = typeof consent === 'string' ? consent : body(consent, format);
  return call(baseUrl, 'POST', '/Consent', { headers: { 'content-type': MIME[format], accept: MIME[format], ...headers }, body: text });
}

export function putConsent(baseUrl: string, id: string, consent: Resource | string, format: Format, headers: Record<string, string> = {}): Promise<HttpResult> {
  const text = typeof consent === 'string' ? consent : body(consent, format);
  return call(baseUrl, 'PUT', `/Consent/${id}`, { headers: { 'content-type': MIME[format], accept: MIME[format], ...headers }, body: text });
}

/** Creates a Consent and returns its id and the stored resource. */
export async function created(baseUrl: string, consent: Resource, format: Format = 'json'): Promise<{ id: string; resource: Resource; res: HttpResult }> {
  const res = await postConsent(baseUrl, consent, format);
  expect(res.status, res.text).toBe(201);
  const resource = parseBody(res);
  return { id: String(resource.id), resource, res };
}
