/**
 * Responses that are not the API answering at all, such as a gateway's HTML error page or a redirect:
 * nothing in them can be checked against the guide, so the step is an error (could not be tested), not a
 * conformance failure.
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

/** Where an unexpected redirect points; a Location that is the request's own URL is a loop. */
function redirectTarget(res: ParsedResponse, requestUrl: string | undefined): string {
  const location = res.headers['location'];
  if (!location) return 'with no Location';
  const resolved = requestUrl ? new URL(location, requestUrl).href : location;
  return resolved === requestUrl ? `redirecting to itself (${location}): a redirect loop` : `redirecting to ${location}`;
}

/**
 * A 5xx whose body is not a FHIR resource, or a 3xx redirect (never followed: an API target answers
 * directly), unless the step expects that status. Its level follows the step's status expectation, so
 * behind a SHOULD status it is only a warning.
 */
export function nonApiResponse(expect: Expectations, res: ParsedResponse, requestUrl?: string): AssertionResult | undefined {
  const redirect = res.status >= 300 && res.status < 400;
  if (!redirect && (res.status < 500 || res.resource)) return undefined;
  const expected = expect.status === undefined ? undefined : statusSet(expect.status);
  if (expected?.values.includes(res.status)) return undefined;
  const what = redirect
    ? `the target answered ${res.status} ${redirectTarget(res, requestUrl)}; redirects are not followed, so nothing could be checked`
    : `the target answered ${res.status} ${describeBody(res)}, not a FHIR response; nothing could be checked`;
  return untestable('response', expected?.level ?? 'MUST', what);
}
