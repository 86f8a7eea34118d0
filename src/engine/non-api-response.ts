/**
 * Responses that are not the API answering at all, such as a gateway's HTML error page: nothing in them
 * can be checked against the guide, so the step is an error (could not be tested), not a conformance failure.
 */
import { statusSet } from './assertions.js';
import type { ParsedResponse } from './response.js';
import { untestable, type AssertionResult } from './results.js';
import type { Expectations } from './types.js';

function describeBody(res: ParsedResponse): string {
  if (res.empty) return 'with an empty body';
  const mediaType = res.headers['content-type']?.split(';')[0]!.trim();
  if (!mediaType) return 'with no Content-Type';
  return res.format ? `${mediaType} (${res.parseError})` : mediaType;
}

/**
 * A 5xx whose body is not a FHIR resource, unless the step expects that status. Its level follows the
 * step's status expectation, so behind a SHOULD status it is only a warning.
 */
export function nonApiResponse(expect: Expectations, res: ParsedResponse): AssertionResult | undefined {
  if (res.status < 500 || res.resource) return undefined;
  const expected = expect.status === undefined ? undefined : statusSet(expect.status);
  if (expected?.values.includes(res.status)) return undefined;
  return untestable('response', expected?.level ?? 'MUST',
    `the target answered ${res.status} ${describeBody(res)}, not a FHIR response; nothing could be checked`);
}
