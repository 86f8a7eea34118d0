/** Resource → FHIR JSON text, checked against the model and in its definition order. */
import { withDepthGuard } from './errors.js';
import { normaliseResource } from './json-reader.js';
import type { Resource, SerializeOptions } from './resource.js';

export function toJson(resource: Resource, options?: SerializeOptions): string {
  return withDepthGuard(() => JSON.stringify(normaliseResource(resource, undefined), null, options?.pretty === true ? 2 : undefined));
}

/**
 * Whether `resource` is already exactly what toJson writes out, so that toJson(resource) is
 * JSON.stringify(resource); a resource the codec refuses throws as toJson would.
 */
export function isWrittenAsIs(resource: Resource): boolean {
  return withDepthGuard(() => normaliseResource(resource, undefined) === resource);
}
