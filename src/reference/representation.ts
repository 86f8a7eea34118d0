/**
 * The HTTP headers and Bundles that describe stored versions, built one way for every interaction:
 * ETag W/"<versionId>", Last-Modified from meta.lastUpdated, Location [base]/Consent/{id}/_history/{vid}.
 */
import { randomUUID } from 'node:crypto';
import type { StoredVersion, ResourceData } from './store.js';

export function etagOf(versionId: string): string {
  return `W/"${versionId}"`;
}

/** The versionId an If-Match value names: W/"3" or "3" (or a bare 3); undefined when unreadable. */
export function versionFromIfMatch(value: string): string | undefined {
  const match = /^\s*(?:W\/)?"([^"\s,]+)"\s*$/.exec(value) ?? /^\s*([0-9]+)\s*$/.exec(value);
  return match?.[1];
}

export function versionUrl(baseUrl: string, version: StoredVersion): string {
  return `${baseUrl}/Consent/${version.id}/_history/${version.versionId}`;
}

/** A FHIR instant to the whole second with milliseconds and Z, as the store writes them: 2026-11-23T12:01:07.123Z */
function isMillisecondInstant(text: string): boolean {
  return text.length === 24 && text.charCodeAt(19) === 46 /* . */ && text.charCodeAt(23) === 90 /* Z */ && isDigit(text, 20) && isDigit(text, 21) && isDigit(text, 22);
}

function isDigit(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 48 && c <= 57;
}

/** The last Last-Modified made: an HTTP date has whole seconds, so versions made within one second share it. */
let lastModified = { second: '', text: '' };

/** An HTTP date for a FHIR instant (milliseconds are dropped, as toUTCString does). */
function httpDate(instant: string): string {
  if (!isMillisecondInstant(instant)) return new Date(instant).toUTCString();
  const second = instant.slice(0, 19);
  if (second !== lastModified.second) lastModified = { second, text: new Date(instant).toUTCString() };
  return lastModified.text;
}

export function versionHeaders(version: StoredVersion, baseUrl: string, withLocation: boolean): Record<string, string> {
  const headers: Record<string, string> = { ETag: etagOf(version.versionId), 'Last-Modified': httpDate(version.lastUpdated) };
  if (withLocation) headers.Location = versionUrl(baseUrl, version);
  return headers;
}

function bundleShell(type: 'searchset' | 'history', selfUrl: string, total: number): ResourceData {
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: new Date().toISOString() },
    type,
    total,
    link: [{ relation: 'self', url: selfUrl }],
  };
}

export function searchsetBundle(versions: readonly StoredVersion[], baseUrl: string, selfUrl: string): ResourceData {
  const bundle = bundleShell('searchset', selfUrl, versions.length);
  if (versions.length > 0) {
    bundle.entry = versions.map((v) => ({ fullUrl: `${baseUrl}/Consent/${v.id}`, resource: v.resource, search: { mode: 'match' } }));
  }
  return bundle;
}

/** Versions in the order given (callers pass newest first), each with the request that made it and its response. */
export function historyBundle(versions: readonly StoredVersion[], baseUrl: string, selfUrl: string): ResourceData {
  const bundle = bundleShell('history', selfUrl, versions.length);
  if (versions.length > 0) {
    bundle.entry = versions.map((v) => ({
      fullUrl: `${baseUrl}/Consent/${v.id}`,
      resource: v.resource,
      request: { method: v.method, url: v.method === 'POST' ? 'Consent' : `Consent/${v.id}` },
      response: {
        status: v.method === 'POST' ? '201 Created' : '200 OK',
        location: versionUrl(baseUrl, v),
        etag: etagOf(v.versionId),
        lastModified: v.lastUpdated,
      },
    }));
  }
  return bundle;
}

/** The request URL as the client sent it, made absolute: the Bundle's self link. */
export function selfUrl(baseUrl: string, rawPath: string, rawQuery: string): string {
  return `${baseUrl}${rawPath}${rawQuery ? `?${rawQuery}` : ''}`;
}
