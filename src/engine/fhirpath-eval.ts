/** FHIRPath over response resources, with the STU3 model; a broken expression is reported, not thrown. */
import fhirpath from 'fhirpath';
import stu3 from 'fhirpath/fhir-context/stu3';

type Compiled = (resource: object) => unknown[];

/**
 * Each expression parsed once per process (fhirpath.evaluate parses on every call, ~0.5 ms for a
 * typical assertion, and a run evaluates the same few hundred expressions thousands of times); an
 * expression that does not parse keeps its error.
 */
const compiled = new Map<string, Compiled | Error>();

function compiledFor(expression: string): Compiled | Error {
  let entry = compiled.get(expression);
  if (entry === undefined) {
    try {
      const fn = fhirpath.compile(expression, stu3);
      entry = (resource) => fn(resource) as unknown[];
    } catch (err) {
      entry = err as Error;
    }
    compiled.set(expression, entry);
  }
  return entry;
}

export function evaluate(resource: unknown, expression: string): { ok: true; value: unknown[] } | { ok: false; reason: string } {
  try {
    const fn = compiledFor(expression);
    if (fn instanceof Error) throw fn;
    return { ok: true, value: fn(resource as object) };
  } catch (err) {
    return { ok: false, reason: `FHIRPath "${expression}" cannot be evaluated: ${(err as Error).message}` };
  }
}

export function show(value: unknown[]): string {
  if (value.length === 0) return 'an empty collection';
  if (value.length === 1) return JSON.stringify(value[0]);
  return JSON.stringify(value);
}
