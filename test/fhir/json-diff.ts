/** Differences between two JSON values, as FHIRPath-like paths: for reporting, not for equality rules. */
export interface JsonDifference {
  path: string;
  left: unknown;
  right: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonDifferences(left: unknown, right: unknown, path = ''): JsonDifference[] {
  if (Array.isArray(left) && Array.isArray(right)) {
    const out: JsonDifference[] = [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) out.push(...jsonDifferences(left[i], right[i], `${path}[${i}]`));
    return out;
  }
  if (isObject(left) && isObject(right)) {
    const out: JsonDifference[] = [];
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) out.push(...jsonDifferences(left[key], right[key], path === '' ? key : `${path}.${key}`));
    return out;
  }
  return Object.is(left, right) ? [] : [{ path, left, right }];
}
