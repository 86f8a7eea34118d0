/**
 * Spine-OperationOutcome-1 responses. The catalogue of errors (status, issue.code, details code) is data
 * in error-catalogue.json; each details display is looked up in the Spine-ErrorOrWarningCode-1 CodeSystem
 * shipped in the repository's profiles/ folder, so the two can never drift apart.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { parseResource } from '../fhir/index.js';
import type { ResourceData } from './store.js';

export const SPINE_OPERATION_OUTCOME_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1';
export const SPINE_ERROR_CODE_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1';
const CODE_SYSTEM_FILE = /^CodeSystem-Spine-ErrorOrWarningCode-1\.(xml|json)$/;

export interface CatalogueEntry {
  status: number;
  /** issue.code, from http://hl7.org/fhir/ValueSet/issue-type. */
  code: string;
  /** details.coding.code, from Spine-ErrorOrWarningCode-1. */
  details: string;
}

const catalogueUrl = new URL('./error-catalogue.json', import.meta.url);
const rawCatalogue = JSON.parse(readFileSync(catalogueUrl, 'utf8')) as Record<string, unknown>;

function checkedCatalogue(raw: Record<string, unknown>): Record<string, CatalogueEntry> {
  const entries: Record<string, CatalogueEntry> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('$')) continue;
    const entry = value as Partial<CatalogueEntry>;
    if (typeof entry.status !== 'number' || entry.status < 400 || entry.status > 599 || typeof entry.code !== 'string' || typeof entry.details !== 'string') {
      throw new Error(`${catalogueUrl.pathname}: entry ${key} needs status (4xx/5xx), code and details`);
    }
    entries[key] = { status: entry.status, code: entry.code, details: entry.details };
  }
  return entries;
}

export const ERROR_CATALOGUE: Readonly<Record<string, CatalogueEntry>> = checkedCatalogue(rawCatalogue);
export type ErrorKey = string;

function findFile(dir: string, pattern: RegExp): string | undefined {
  let names: import('node:fs').Dirent[];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of names) {
    if (entry.isFile() && pattern.test(entry.name)) return join(dir, entry.name);
  }
  for (const entry of names) {
    if (entry.isDirectory()) {
      const found = findFile(join(dir, entry.name), pattern);
      if (found) return found;
    }
  }
  return undefined;
}

/** Code → display of Spine-ErrorOrWarningCode-1, read through the codec from the repository's profiles/. */
export function loadSpineErrorDisplays(profileDir = fileURLToPath(new URL('../../profiles/', import.meta.url))): Map<string, string> {
  const file = findFile(profileDir, CODE_SYSTEM_FILE);
  if (!file) throw new Error(`${profileDir}: no CodeSystem-Spine-ErrorOrWarningCode-1.xml or .json found`);
  const codeSystem = parseResource(readFileSync(file, 'utf8'), file.endsWith('.json') ? 'json' : 'xml');
  if (codeSystem.resourceType !== 'CodeSystem' || codeSystem.url !== SPINE_ERROR_CODE_SYSTEM) {
    throw new Error(`${file}: expected the CodeSystem ${SPINE_ERROR_CODE_SYSTEM}`);
  }
  const displays = new Map<string, string>();
  const concepts = Array.isArray(codeSystem.concept) ? codeSystem.concept : [];
  for (const concept of concepts as Array<{ code?: unknown; display?: unknown }>) {
    if (typeof concept.code === 'string' && typeof concept.display === 'string') displays.set(concept.code, concept.display);
  }
  for (const [key, entry] of Object.entries(ERROR_CATALOGUE)) {
    if (!displays.has(entry.details)) throw new Error(`${catalogueUrl.pathname}: ${key} uses ${entry.details}, which ${file} does not define`);
  }
  return displays;
}

let displays: Map<string, string> | undefined;
function displayOf(code: string): string {
  displays ??= loadSpineErrorDisplays();
  return displays.get(code) ?? code;
}

/** A further issue in the same OperationOutcome, e.g. one per validation error. */
export interface ExtraIssue {
  diagnostics: string;
  /** Optional FHIRPath of the offending element (put into issue.location). */
  location?: string;
}

/** An error a handler raises; the server turns it into a response. */
export class ApiError extends Error {
  readonly key: ErrorKey;
  readonly diagnostics: string;
  readonly extraIssues: readonly ExtraIssue[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(key: ErrorKey, diagnostics: string, options: { extraIssues?: readonly ExtraIssue[]; headers?: Record<string, string> } = {}) {
    super(`${key}: ${diagnostics}`);
    if (!(key in ERROR_CATALOGUE)) throw new Error(`unknown error key ${key}`);
    this.name = 'ApiError';
    this.key = key;
    this.diagnostics = diagnostics;
    this.extraIssues = options.extraIssues ?? [];
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return ERROR_CATALOGUE[this.key]!.status;
  }
}

export function catalogueEntry(key: ErrorKey): CatalogueEntry {
  const entry = ERROR_CATALOGUE[key];
  if (!entry) throw new Error(`unknown error key ${key}`);
  return entry;
}

/** A Spine-OperationOutcome-1 for a catalogue error: the first issue says what failed, further issues give detail. */
export function buildOperationOutcome(key: ErrorKey, diagnostics: string, extraIssues: readonly ExtraIssue[] = []): ResourceData {
  const entry = catalogueEntry(key);
  const details = { coding: [{ system: SPINE_ERROR_CODE_SYSTEM, code: entry.details, display: displayOf(entry.details) }] };
  const issue = (text: string, location?: string) => ({
    severity: 'error',
    code: entry.code,
    details,
    diagnostics: text,
    ...(location ? { location: [location] } : {}),
  });
  return {
    resourceType: 'OperationOutcome',
    id: randomUUID(),
    meta: { profile: [SPINE_OPERATION_OUTCOME_PROFILE] },
    issue: [issue(diagnostics), ...extraIssues.map((extra) => issue(extra.diagnostics, extra.location))],
  };
}
