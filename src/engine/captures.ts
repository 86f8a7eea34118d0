/** Values taken from a response for later steps: the Location's id and version, a header, a FHIRPath value. */
import { evaluate, show } from './fhirpath-eval.js';
import type { ParsedResponse } from './response.js';
import { outcome, untestable, type AssertionResult } from './results.js';
import type { CaptureSpec } from './types.js';

// Absolute or relative (RFC 7231 §7.1.2 allows both): [base/]Type/id/_history/vid. Later steps read the
// version by its versionId, which is opaque, so a Location without one gives nothing to capture.
const LOCATION = /(?:^|\/)([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})\/_history\/([A-Za-z0-9\-.]{1,64})\/?$/;

export type Captured = Record<string, string>;

export function capture(spec: CaptureSpec, res: ParsedResponse): { value?: Captured; failure?: AssertionResult } {
  const name = `capture ${spec.name}`;
  const fail = (expected: string, received: string): { failure: AssertionResult } => ({
    failure: outcome(name, spec.level ?? 'MUST', false, `Unexpected ${received === 'none' ? 'missing value' : 'value'} for capture ${spec.name}: expected ${expected}, but received ${received}`),
  });
  if (spec.from === 'location') {
    const location = res.headers['location'];
    const m = location ? LOCATION.exec(location.split('?')[0]!) : null;
    if (!location || !m) return fail('a Location header [base/]Consent/{id}/_history/{vid}', location ? JSON.stringify(location) : 'none');
    return { value: { url: location, id: m[2]!, versionId: m[3]! } };
  }
  if (spec.from === 'header') {
    const value = res.headers[spec.header!.toLowerCase()];
    return value === undefined ? fail(`a ${spec.header} header`, 'none') : { value: { value } };
  }
  if (!res.resource) {
    // As for expectations: an empty body proves the value is missing; an unreadable one could not be checked.
    const missing = fail(`a FHIR body to evaluate ${spec.expression}`, res.parseError ?? 'none');
    return res.empty ? missing : { failure: { ...missing.failure, status: 'error' } };
  }
  const r = evaluate(res.resource, spec.expression!);
  if (!r.ok) return { failure: untestable(name, 'MUST', r.reason) };
  const first = r.value[0];
  if (first === undefined || typeof first === 'object') return fail(`one value for ${spec.expression}`, show(r.value));
  return { value: { value: String(first) } };
}
