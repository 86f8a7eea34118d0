/** Shared helpers of the validator tests: reading examples through the codec, patches, one validator. */
import { readFileSync } from 'node:fs';
import { parseJson, parseXml, toXml, type Resource } from '../../src/fhir/index.js';
import { createValidator } from '../../src/validation/index.js';

export const repoRoot = new URL('../../', import.meta.url);

/** json and xml go through the codec; object is the in-memory object as built. */
export type Format = 'json' | 'xml' | 'object';

/** Reads a resource file (path relative to the repo root) through the codec. */
export function readResource(path: string): Resource {
  const text = readFileSync(new URL(path, repoRoot), 'utf8');
  return path.endsWith('.xml') ? parseXml(text) : parseJson(text);
}

/** The same resource as it arrives in the other format: written as XML by the codec and read back. */
export function throughFormat(resource: Resource, format: Format): Resource {
  if (format === 'object') return resource;
  return format === 'xml' ? parseXml(toXml(resource)) : parseJson(JSON.stringify(resource));
}

export interface PatchOp {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`patch path must start with "/": ${path}`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 add/remove/replace on a copy; a path that does not resolve is an error naming it. */
export function applyPatch<T>(doc: T, ops: PatchOp[]): T {
  const out = structuredClone(doc) as unknown;
  for (const { op, path, value } of ops) {
    const keys = pointer(path);
    const last = keys.pop()!;
    let parent = out as Record<string, unknown> | unknown[];
    for (const k of keys) {
      const next = (parent as Record<string, unknown>)[k];
      if (next === null || typeof next !== 'object') throw new Error(`patch ${op} ${path}: ${k} does not resolve`);
      parent = next as Record<string, unknown>;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`patch ${op} ${path}: bad index ${last}`);
      if (op === 'add') parent.splice(index, 0, structuredClone(value));
      else if (op === 'remove') parent.splice(index, 1);
      else parent[index] = structuredClone(value);
    } else {
      if (op !== 'add' && !(last in parent)) throw new Error(`patch ${op} ${path}: ${last} does not exist`);
      if (op === 'remove') delete parent[last];
      else parent[last] = structuredClone(value);
    }
  }
  return out as T;
}

let shared: ReturnType<typeof createValidator> | undefined;
/** One validator for a test file: creating it compiles every profile. */
export function validator(): ReturnType<typeof createValidator> {
  shared ??= createValidator();
  return shared;
}

type Brief = { severity: string; location: string; rule: string };
const order = (a: Brief, b: Brief): number => (a.location + a.rule + a.severity < b.location + b.rule + b.severity ? -1 : 1);

/** Issues without their messages, in a fixed order (the validator promises no order), for exact comparison. */
export function brief(issues: Brief[]): Brief[] {
  return issues.map(({ severity, location, rule }) => ({ severity, location, rule })).sort(order);
}

/** The issue matching an expected one (same severity, location and rule). */
export function matching<T extends Brief>(issues: T[], expected: Brief): T | undefined {
  return issues.find((i) => i.severity === expected.severity && i.location === expected.location && i.rule === expected.rule);
}
