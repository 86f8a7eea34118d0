/**
 * FHIR STU3 codec: XML and JSON to and from one in-memory form (FHIR JSON objects), driven by the
 * generated STU3 model. Anything the model does not account for is a FhirFormatError naming where.
 */
import { parseJson } from './json-reader.js';
import { toJson } from './json-writer.js';
import type { Format, Resource, SerializeOptions } from './resource.js';
import { parseXml } from './xml-reader.js';
import { toXml } from './xml-writer.js';

export { FhirFormatError } from './errors.js';
export type { Format, Resource, SerializeOptions } from './resource.js';
export { FHIR_NAMESPACE, XHTML_NAMESPACE } from './resource.js';
export { parseJson, parseXml, toJson, toXml };

export function parseResource(text: string, format: Format): Resource {
  return format === 'xml' ? parseXml(text) : parseJson(text);
}

export function serializeResource(resource: Resource, format: Format, options?: SerializeOptions): string {
  return format === 'xml' ? toXml(resource, options) : toJson(resource, options);
}
