/**
 * FHIR.js (the lantanagroup `fhir` package) loaded with HL7's STU3 definitions: an independent
 * XML ↔ JSON converter to compare the codec against. Loading takes a moment: do it once per file.
 */
import { createRequire } from 'node:module';
import fhirjs from 'fhir';

const require = createRequire(import.meta.url);
const { Fhir, ParseConformance, Versions } = fhirjs;

export type Oracle = InstanceType<typeof Fhir>;

export function loadOracle(): Oracle {
  const conformance = new ParseConformance(false, Versions.STU3);
  for (const bundle of ['valuesets', 'profiles-types', 'profiles-resources']) {
    conformance.parseBundle(require(`fhir-stu3/profiles/stu3/${bundle}.json`));
  }
  return new Fhir(conformance);
}

/**
 * FHIR.js's JSON made comparable with the codec's. FHIR.js turns XML comments into `fhir_comments`
 * (the DSTU2 convention); comments are not content and the codec drops them on purpose, so they
 * are removed here.
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'fhir_comments') continue;
    const cleaned = comparable(child);
    // A primitive's `_x` that held only comments holds nothing.
    if (key.startsWith('_') && typeof cleaned === 'object' && cleaned !== null && !Array.isArray(cleaned) && Object.keys(cleaned).length === 0) continue;
    out[key] = cleaned;
  }
  padParallelArrays(out);
  return out;
}

/**
 * FHIR.js leaves out the trailing nulls of a primitive's `_x` array (["a", "b"] with [{…}]),
 * where FHIR JSON keeps the two arrays in step ([{…}, null]); shown in differential.test.ts.
 */
function padParallelArrays(object: Record<string, unknown>): void {
  for (const [key, extras] of Object.entries(object)) {
    const values = object[key.slice(1)];
    if (key.startsWith('_') && Array.isArray(extras) && Array.isArray(values) && extras.length < values.length) {
      object[key] = [...extras, ...Array<null>(values.length - extras.length).fill(null)];
    }
  }
}
