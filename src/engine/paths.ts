/** Repo-relative locations of the suites, fixtures and schemas (resolved from this module, not the working directory). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SUITES_DIR = path.join(REPO_ROOT, 'suites');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');
export const SCHEMA_DIR = path.join(SUITES_DIR, 'schema');

/** A path as shown in messages: relative to the repo when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
}

export function fixturePath(name: string): string {
  return path.join(FIXTURES_DIR, name);
}

/** Here rather than in fixtures.ts, so that checking the suites does not load the FHIR codec. */
export function fixtureExists(name: string): boolean {
  return existsSync(fixturePath(name));
}
