/** Turns a step's request spec into the HTTP request to send, for one run format. */
import type { Format } from '../fhir/index.js';
import { DEFAULT_MIME } from '../fhir/mime.js';
import type { OutgoingRequest } from '../transport/index.js';
import { loadFixture, renderBody } from './fixtures.js';
import { applyPatches } from './patches.js';
import { renderString, renderValue, type Variables } from './templating.js';
import type { RequestSpec } from './types.js';

export function buildRequest(spec: RequestSpec, runFormat: Format, baseUrl: string, vars: Variables): OutgoingRequest {
  const format = spec.format ?? runFormat;
  let url = baseUrl + renderString(spec.path, vars);
  if (spec.formatParam !== undefined) url += (url.includes('?') ? '&' : '?') + '_format=' + encodeURIComponent(renderString(spec.formatParam, vars));
  let body: string | undefined;
  if (spec.fixture !== undefined) {
    const resource = renderValue(loadFixture(spec.fixture), vars);
    body = renderBody(applyPatches(resource, renderValue(spec.patches ?? [], vars)), format);
  } else if (spec.body !== undefined) {
    body = renderString(spec.body, vars);
  }
  const headers: Record<string, string> = {};
  const accept = spec.accept === undefined ? DEFAULT_MIME[format] : spec.accept;
  if (accept !== null) headers['accept'] = renderString(accept, vars);
  if (body !== undefined) {
    const contentType = spec.contentType === undefined ? DEFAULT_MIME[format] : spec.contentType;
    if (contentType !== null) headers['content-type'] = renderString(contentType, vars);
  }
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (value === null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = renderString(value, vars);
  }
  return { method: spec.method, url, headers, ...(body !== undefined ? { body } : {}) };
}
