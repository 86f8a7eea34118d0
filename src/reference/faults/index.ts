/**
 * The fault catalogue (catalogue.yaml: name, what it breaks, the requirement, where it shows) joined to
 * the behaviours (behaviours.ts), and applying named faults to a server's parts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Interaction } from '../exchange.js';
import { FAULT_BEHAVIOURS } from './behaviours.js';
import type { ServerParts } from './tools.js';

export { asDefaultStore } from './tools.js';
export type { ServerParts, Fault } from './tools.js';

export interface FaultEntry {
  name: string;
  /** What the faulty server does, in a sentence. */
  breaks: string;
  /** The requirement (suites/requirements.yaml) the fault breaks. */
  requirement: string;
  interactions: Interaction[];
  /** Formats in which the fault shows. */
  formats: ('xml' | 'json')[];
}

const CATALOGUE_FILE = new URL('./catalogue.yaml', import.meta.url);
const INTERACTIONS: readonly Interaction[] = ['metadata', 'search-type', 'create', 'update', 'vread', 'history-instance', 'history-type', 'error'];

export class FaultCatalogueError extends Error {}

function problem(path: string, reason: string): FaultCatalogueError {
  return new FaultCatalogueError(`src/reference/faults/catalogue.yaml ${path}: ${reason}`);
}

function stringList<T extends string>(value: unknown, allowed: readonly T[], path: string): T[] {
  if (!Array.isArray(value) || value.length === 0) throw problem(path, 'must be a non-empty list');
  for (const [i, item] of value.entries()) {
    if (!allowed.includes(item as T)) throw problem(`${path}[${i}]`, `"${String(item)}" is not one of ${allowed.join(', ')}`);
  }
  return value as T[];
}

/** Parses and checks the catalogue: every field present, names unique, each name has a behaviour and each behaviour an entry. */
export function parseFaultCatalogue(text: string, behaviours: Readonly<Record<string, unknown>> = FAULT_BEHAVIOURS): FaultEntry[] {
  const data = parse(text) as { faults?: unknown } | null;
  if (!data || !Array.isArray(data.faults)) throw problem('faults', 'must be a list');
  const seen = new Set<string>();
  const entries = data.faults.map((raw: unknown, i): FaultEntry => {
    const path = `faults[${i}]`;
    const e = (raw ?? {}) as Record<string, unknown>;
    for (const key of ['name', 'breaks', 'requirement'] as const) {
      if (typeof e[key] !== 'string' || e[key] === '') throw problem(`${path}.${key}`, 'must be a non-empty string');
    }
    const name = e.name as string;
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw problem(`${path}.name`, `"${name}" is not kebab-case`);
    if (seen.has(name)) throw problem(`${path}.name`, `"${name}" is listed twice`);
    seen.add(name);
    if (!(name in behaviours)) throw problem(`${path}.name`, `"${name}" has no behaviour in behaviours.ts`);
    return {
      name,
      breaks: e.breaks as string,
      requirement: e.requirement as string,
      interactions: stringList(e.interactions, INTERACTIONS, `${path}.interactions`),
      formats: e.formats === undefined ? ['xml', 'json'] : stringList(e.formats, ['xml', 'json'] as const, `${path}.formats`),
    };
  });
  const unlisted = Object.keys(behaviours).filter((name) => !seen.has(name));
  if (unlisted.length > 0) throw problem('faults', `behaviours.ts has faults the catalogue does not list: ${unlisted.join(', ')}`);
  return entries;
}

let catalogue: FaultEntry[] | undefined;

export function faultCatalogue(): readonly FaultEntry[] {
  return (catalogue ??= parseFaultCatalogue(readFileSync(CATALOGUE_FILE, 'utf8')));
}

/** The parts with each named fault applied in order; an unknown name is an error listing the known ones. */
export function applyFaults(parts: ServerParts, names: readonly string[]): ServerParts {
  if (names.length === 0) return parts;
  const known = new Set(faultCatalogue().map((f) => f.name));
  let result = parts;
  for (const name of names) {
    if (!known.has(name)) throw new FaultCatalogueError(`unknown fault "${name}" (npm run reference -- --list-faults lists them)`);
    try {
      result = FAULT_BEHAVIOURS[name]!(result);
    } catch (error) {
      throw new FaultCatalogueError(`fault "${name}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return result;
}
