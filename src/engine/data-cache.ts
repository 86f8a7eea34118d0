/**
 * A disk cache of data files already parsed and checked: YAML parsing and schema compilation cost a few
 * hundred milliseconds per process, and the command and its test worker both read every suite. An entry is
 * keyed by the SHA-1 of the file's text and its schema's text, so any edit to either is a miss; it lives under
 * node_modules/.cache (gone with a reinstall). A cache that cannot be read or written is simply not used.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/ndop-assure/data/', import.meta.url));
const inProcess = new Map<string, unknown>();

export function cacheKey(...texts: string[]): string {
  const hash = createHash('sha1');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('hex');
}

/** The value stored under `key`, or `make()`'s result, stored (a throwing `make` stores nothing). */
export function cached<T>(key: string, make: () => T): T {
  if (inProcess.has(key)) return structuredClone(inProcess.get(key)) as T;
  const file = join(CACHE_DIR, `${key}.json`);
  let value: T;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    value = make();
    try {
      mkdirSync(CACHE_DIR, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(value));
      renameSync(temporary, file);
    } catch {
      // A read-only install still works, only without the cache.
    }
  }
  inProcess.set(key, value);
  return structuredClone(value);
}
