/** The codec's in-memory form of a resource: FHIR JSON, as JSON.parse would give it. */
export type Format = 'json' | 'xml';

export interface Resource {
  resourceType: string;
  [key: string]: unknown;
}

export interface SerializeOptions {
  /** Indent the output for people; the default is compact. */
  pretty?: boolean;
}

export const FHIR_NAMESPACE = 'http://hl7.org/fhir';
export const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
