/**
 * Compiled validators kept on disk between processes. Compiling the profiles takes about half a
 * second (ajv's code generation for NDOP-Consent-1 alone ~0.2 s) in every process that validates,
 * the assurance run's test worker included; loading the generated code takes a few milliseconds.
 *
 * An entry is keyed by a hash of everything the generated code depends on: the profile folder's
 * files, this folder's sources, the FHIR model and codec (src/fhir), and the versions of ajv and of
 * fast-xml-parser (which reads the profiles). Any edit is a miss, which compiles and writes a new entry. An entry holds the generated module
 * (`<key>.js`) and what it needs besides code (`<key>.json`): the runtime values' data
 * (runtime-values.ts), the compiled profiles, and the CodeSystems and ValueSets that bindings
 * check against. A cache that cannot be read or written is simply not used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';
import { threadId } from 'node:worker_threads';
import type { ValidateFunction } from 'ajv';
import type { LoadedRuntime, RuntimeValueEntry } from './runtime-values.js';
import type { ProfileStore } from './profile-store.js';
import type { ProfileSchema } from './schema-compiler.js';

export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/ndop-assure/validator/', import.meta.url));

/** Bumped when the layout of an entry changes. */
export const ENTRY_FORMAT = 1;
const SOURCES = [fileURLToPath(new URL('./', import.meta.url)), fileURLToPath(new URL('../fhir/', import.meta.url))];
const requireFromHere = createRequire(import.meta.url);

export interface CacheEntry {
  format: number;
  profiles: ProfileSchema[];
  /** Base resource types compiled ahead. */
  baseTypes: string[];
  /** Export name in the module of each compiled schema id. */
  names: Record<string, string>;
  runtime: RuntimeValueEntry[];
  codeSystems: ProfileStore['codeSystems'];
  valueSets: ProfileStore['valueSets'];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

function digestOf(dirs: string[], into = createHash('sha1')): ReturnType<typeof createHash> {
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) into.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return into;
}

/** A package's version, from the package.json above its entry (not every package exports its package.json). */
function versionOf(pkg: string): string {
  let dir = dirname(requireFromHere.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== pkg) {
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The code's part of every key, taken once, when this module is loaded: the sources as this process runs them (a
 * file edited later must not lend its new bytes to an entry the old code compiles), ajv's version, and
 * fast-xml-parser's, which reads the profiles.
 */
const CODE_DIGEST = digestOf(SOURCES, createHash('sha1').update(`${ENTRY_FORMAT}\0ajv ${versionOf('ajv')}\0fast-xml-parser ${versionOf('fast-xml-parser')}\0`)).digest('hex');

/** The key of the validator compiled from `profileDir` by this code; it also covers the folder's location. */
export function validatorCacheKey(profileDir: string): string {
  return digestOf([profileDir], createHash('sha1').update(`${CODE_DIGEST}\0${profileDir}\0`)).digest('hex');
}

export interface StoredValidator {
  entry: CacheEntry;
  code: string;
}

export function readCachedValidator(cacheDir: string, key: string): StoredValidator | undefined {
  try {
    const entry = JSON.parse(readFileSync(join(cacheDir, `${key}.json`), 'utf8')) as CacheEntry;
    if (entry.format !== ENTRY_FORMAT) return undefined;
    return { entry, code: readFileSync(join(cacheDir, `${key}.js`), 'utf8') };
  } catch {
    return undefined;
  }
}

/** Writes both files of an entry; the JSON, which readers look for first, last, so a reader never sees half an entry. */
export function writeCachedValidator(cacheDir: string, key: string, stored: StoredValidator): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    for (const [name, text] of [
      [`${key}.js`, stored.code],
      [`${key}.json`, JSON.stringify(stored.entry)],
    ] as const) {
      // Threads of one process (vitest's workers) share its pid.
      const temporary = join(cacheDir, `${name}.${process.pid}-${threadId}-${randomBytes(4).toString('hex')}.tmp`);
      writeFileSync(temporary, text);
      renameSync(temporary, join(cacheDir, name));
    }
  } catch {
    // A read-only install still works, only without the cache.
  }
}

/** Runs the generated module; its validation functions by export name. */
export function evaluateModule(code: string, filename: string, runtime: LoadedRuntime): Record<string, ValidateFunction> {
  const module = runInThisContext(`(function (require, runtime, exports) {${code}\nreturn exports;\n})`, { filename }) as (
    require: NodeJS.Require,
    runtime: LoadedRuntime,
    exports: Record<string, ValidateFunction>,
  ) => Record<string, ValidateFunction>;
  return module(requireFromHere, runtime, {});
}
