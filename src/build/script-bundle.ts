/**
 * Runs a script bundle (cachedBundle's CommonJS kind, src/build/cached-bundle.js) with V8's code cache: the
 * functions a run compiled are kept beside the bundle, and the next run starts from them instead of parsing and
 * compiling ~4 MB of JavaScript again. Node 20 has no code cache for ES modules nor a compile cache of its own, so
 * the bundle is compiled here as CommonJS is, with node:vm. V8 checks a cache against the source's length, its own
 * version and flags, and rejects one that does not match: the script is then compiled from its source and the
 * cache written again. V8 does not check the cache's bytes (a damaged one can abort the process), so the file holds
 * a SHA-256 of them first and a cache whose bytes do not match is refused here. A bundle's directory is named by
 * the hash of its sources, so a cache beside it was made from the same source.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';

/** How the last load used the cache: none was there, V8 took it, or V8 refused it (stale, damaged, other flags). */
export type CodeCacheUse = 'absent' | 'used' | 'rejected';

export interface LoadedScript<Exports> {
  exports: Exports;
  codeCache: CodeCacheUse;
  /**
   * Keeps what was compiled so far for the next load, once the script has done its work (a cache made at load
   * time would hold little more than the top level: V8 compiles most functions when first called). `work` says how
   * much of the script this load used (the scenario spec: its number of runs): a cache that was used is replaced
   * only by one from a load that did more, so a first run of a few scenarios does not leave every later run a
   * cache of their code alone. A cache that cannot be written costs only time.
   */
  saveCodeCache(work: number): void;
}

export function loadScriptBundle<Exports>(url: string): LoadedScript<Exports> {
  const file = fileURLToPath(url);
  const cacheFile = `${file}.v8-cache`;
  const saved = readIfThere(cacheFile);
  const cache = saved && intact(saved);
  const cachedData = cache?.data;
  // CommonJS's own wrapper, on the first line so that line numbers stay the bundle's.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // import() inside the bundle loads as it would in a module of this thread (Node 20.12 and later).
    ...(constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const codeCache: CodeCacheUse = saved === undefined ? 'absent' : !cachedData || script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as Exports };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    codeCache,
    saveCodeCache(work) {
      if (codeCache !== 'used' || work > cache!.work) writeQuietly(cacheFile, withHeader(script.createCachedData(), work));
    },
  };
}

// The file: a SHA-256 of the rest, the work of the load that wrote it (uint32), V8's bytes.
const DIGEST_BYTES = 32;
const HEADER_BYTES = DIGEST_BYTES + 4;

function withHeader(data: Buffer, work: number): Buffer {
  const body = Buffer.alloc(4 + data.length);
  body.writeUInt32BE(Math.min(Math.max(Math.floor(work), 0), 0xffffffff), 0);
  data.copy(body, 4);
  return Buffer.concat([createHash('sha256').update(body).digest(), body]);
}

/** The cache's bytes for V8 and the work behind them, if the file holds what was written. */
function intact(saved: Buffer): { data: Buffer; work: number } | undefined {
  if (saved.length <= HEADER_BYTES) return undefined;
  const body = saved.subarray(DIGEST_BYTES);
  if (!createHash('sha256').update(body).digest().equals(saved.subarray(0, DIGEST_BYTES))) return undefined;
  return { data: saved.subarray(HEADER_BYTES), work: body.readUInt32BE(0) };
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Under a temporary name and renamed, so that a concurrent load reads a whole cache or none. */
function writeQuietly(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // It was never written (a read-only cache): the next run compiles from the source again.
    }
  }
}
