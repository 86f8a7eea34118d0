/** {{dotted.name}} placeholders in strings and in every string of a JSON value. */

export class TemplateError extends Error {}

const PLACEHOLDER = /\{\{\s*([a-zA-Z][\w]*(?:\.[\w]+)*)\s*\}\}/g;

export type Variables = Record<string, unknown>;

function lookup(vars: Variables, dotted: string): unknown {
  let value: unknown = vars;
  for (const part of dotted.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in (value as object))) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function renderString(template: string, vars: Variables): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const value = lookup(vars, name);
    if (value === undefined || value === null || typeof value === 'object') {
      throw new TemplateError(`template variable {{${name}}} is not defined`);
    }
    return String(value);
  });
}

export function renderValue<T>(value: T, vars: Variables): T {
  if (typeof value === 'string') return renderString(value, vars) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => renderValue(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, vars)])) as T;
  }
  return value;
}

/** Root names referenced by placeholders anywhere in a value (for the capture-order lint). */
export function referencedRoots(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) into.add(m[1]!.split('.')[0]!);
  } else if (Array.isArray(value)) {
    for (const v of value) referencedRoots(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) referencedRoots(v, into);
  }
  return into;
}
