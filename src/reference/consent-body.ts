/**
 * Turning a POST/PUT body into a Consent: Content-Type, size and time limits, parsing through the codec.
 * Syntax errors and wrong roots are MESSAGE_NOT_WELL_FORMED; content the codec refuses as non-STU3
 * (unknown element, wrong JSON type) is INVALID_RESOURCE, as is a resource that is not a Consent.
 */
import { FhirFormatError, parseResource } from '../fhir/index.js';
import { ApiError } from './outcome.js';
import { readBody } from './request-io.js';
import { bodyFormatOf } from './negotiation.js';
import type { Exchange, ServerContext } from './exchange.js';
import type { ResourceData } from './store.js';
import { DOCUMENT_PATH } from '../fhir/errors.js';

export async function readConsentBody(exchange: Exchange, context: ServerContext): Promise<ResourceData> {
  const contentType = exchange.req.headers['content-type'];
  const declared = bodyFormatOf(contentType);
  // A Content-Type we cannot read is refused before reading the body; a missing one only if a body arrives.
  if (!declared.ok && contentType !== undefined) throw new ApiError('UNSUPPORTED_CONTENT_TYPE', declared.reason);
  const body = await readBody(exchange.req, { maxBytes: context.maxBodyBytes, timeoutMs: context.bodyTimeoutMs });
  const text = body.toString('utf8');
  exchange.requestBody = text;
  if (body.length === 0) throw new ApiError('NOT_WELL_FORMED', 'The request body is empty; a Consent resource is required.');
  if (!declared.ok) throw new ApiError('UNSUPPORTED_CONTENT_TYPE', declared.reason);
  let resource: ResourceData;
  try {
    resource = parseResource(text, declared.value.format);
  } catch (error) {
    if (error instanceof FhirFormatError) {
      const where = error.line !== undefined ? ` (line ${error.line}, column ${error.column})` : '';
      // Syntax errors and a wrong root (unknown resource type, missing namespace) are about the message as a whole.
      if (error.path === DOCUMENT_PATH || !error.path.includes('.')) {
        throw new ApiError('NOT_WELL_FORMED', `The body is not a well-formed FHIR ${declared.value.format.toUpperCase()} resource: ${error.reason}${where}.`);
      }
      throw new ApiError('INVALID_STU3', `The body is not valid FHIR STU3 at ${error.path}: ${error.reason}${where}.`, {
        extraIssues: [{ diagnostics: `${error.path}: ${error.reason}`, location: error.path }],
      });
    }
    throw error;
  }
  if (resource.resourceType !== 'Consent') {
    throw new ApiError('INVALID_STU3', `The body is a ${resource.resourceType}; this endpoint accepts only a Consent resource.`);
  }
  return resource;
}
