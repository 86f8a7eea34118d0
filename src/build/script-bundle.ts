/**
 * Runs a script bundle (cachedBundle's CommonJS kind, src/build/cached-bundle.js) with V8's code cache: the
 * functions a run compiled are kept beside the bundle, and the next run starts from them instead of parsing and
 * compiling ~4 MB of JavaScript again. Node 20 has no code cache for ES modules nor a compile cache of its own, so
 * the bundle is compiled here as CommonJS is, with node:vm.
 *
 * V8 refuses a cache made by another V8 or under other flags, and one made for a source of another length; it
 * takes one made for another source of the same length, and does not check the cache's bytes (a damaged cache can
 * abort the process). So the file also carries a SHA-256 of the source it was made for and of its own bytes, and a
 * cache that does not match both is refused here. A refused cache only costs the compile: it is written again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as vmConstants, Script } from 'node:vm';
import { isWritableDir, writeAtomically } from './cached-bundle.js';

/** How the last load used the cache: none was there, V8 took it, or it was refused (see above). */
export type CodeCacheUse = 'absent' | 'used' | 'rejected';

export interface LoadedScript<Exports> {
  exports: Exports;
  codeCache: CodeCacheUse;
  /**
   * Keeps what was compiled so far for the next load, once the script has done its work (a cache made at load
   * time would hold little more than the top level: V8 compiles most functions when first called). `work` says how
   * much of the script this load used: a cache that was used is replaced only by one from a load that did more, so
   * a first run of a few scenarios does not leave every later run a cache of their code alone. A cache that cannot
   * be written costs only time.
   */
  saveCodeCache(work: number): void;
}

export function loadScriptBundle<Exports>(url: string): LoadedScript<Exports> {
  const file = fileURLToPath(url);
  const cacheFile = `${file}.v8-cache`;
  // CommonJS's own wrapper, on the first line so that line numbers stay the bundle's.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n})`;
  const sourceDigest = createHash('sha256').update(source).digest();
  const saved = readIfThere(cacheFile);
  const cache = saved && intact(saved, sourceDigest);
  const script = new Script(source, {
    filename: file,
    ...(cache ? { cachedData: cache.data } : {}),
    // import() inside the bundle loads as it would in a module of this thread.
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const codeCache: CodeCacheUse = saved === undefined ? 'absent' : !cache || script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as Exports };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    codeCache,
    saveCodeCache(work) {
      if (codeCache === 'used' && work <= cache!.work) return;
      // Checked first: making the cache takes ~20 ms, for nothing where it cannot be kept (a read-only install).
      if (!isWritableDir(dirname(cacheFile))) return;
      try {
        writeAtomically(cacheFile, cacheFileBytes(script.createCachedData(), work, sourceDigest));
      } catch {
        // The next run compiles from the source again.
      }
    },
  };
}

// The file: a tag naming this layout, a SHA-256 of the source's digest and the rest, the work of the load that
// wrote it (uint32), V8's bytes.
const TAG = Buffer.from('ndop-v8-cache 1\n');
const DIGEST_BYTES = 32;
const HEADER_BYTES = TAG.length + DIGEST_BYTES + 4;

function cacheFileBytes(data: Buffer, work: number, sourceDigest: Buffer): Buffer {
  const body = Buffer.alloc(4 + data.length);
  body.writeUInt32BE(Math.min(Math.max(Math.floor(work), 0), 0xffffffff), 0);
  data.copy(body, 4);
  return Buffer.concat([TAG, digestOf(sourceDigest, body), body]);
}

/** V8's bytes and the work behind them, if the file is whole and was made for this source. */
function intact(saved: Buffer, sourceDigest: Buffer): { data: Buffer; work: number } | undefined {
  if (saved.length <= HEADER_BYTES || !saved.subarray(0, TAG.length).equals(TAG)) return undefined;
  const body = saved.subarray(TAG.length + DIGEST_BYTES);
  if (!digestOf(sourceDigest, body).equals(saved.subarray(TAG.length, TAG.length + DIGEST_BYTES))) return undefined;
  return { data: body.subarray(4), work: body.readUInt32BE(0) };
}

function digestOf(sourceDigest: Buffer, body: Buffer): Buffer {
  return createHash('sha256').update(sourceDigest).update(body).digest();
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
