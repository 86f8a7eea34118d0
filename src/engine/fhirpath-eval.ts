/** FHIRPath over response resources, with the STU3 model; a broken expression is reported, not thrown. */
import fhirpath from 'fhirpath';
import stu3 from 'fhirpath/fhir-context/stu3';

export function evaluate(resource: unknown, expression: string): { ok: true; value: unknown[] } | { ok: false; reason: string } {
  try {
    const value = fhirpath.evaluate(resource as object, expression, undefined, stu3) as unknown[];
    return { ok: true, value };
  } catch (err) {
    return { ok: false, reason: `FHIRPath "${expression}" cannot be evaluated: ${(err as Error).message}` };
  }
}

export function show(value: unknown[]): string {
  if (value.length === 0) return 'an empty collection';
  if (value.length === 1) return JSON.stringify(value[0]);
  return JSON.stringify(value);
}
