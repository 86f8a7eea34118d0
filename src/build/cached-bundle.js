/**
 * A TypeScript module and everything it imports from the project as one JavaScript bundle, so that a run does not
 * compile ~100 modules one by one (through tsx's hooks for the command, through vitest's module runner for the
 * scenario spec's runtime). The bundle is built by esbuild into a cache directory, and is keyed by the bytes of
 * every file it was built from: a run reads and hashes those files (a few milliseconds for the command's, about ten
 * for a script with its packages) and rebuilds when any differs, so an edited source is never run from a stale
 * bundle. Two kinds:
 * - a module (ES module, split into chunks loaded when first imported; dependencies stay ordinary imports of
 *   node_modules), for the command, whose paths need different packages;
 * - a script (one CommonJS file with its packages inside, those named external apart), for code that runs whole
 *   and often: it can be compiled with V8's code cache (src/build/script-bundle.ts), which an ES module cannot.
 * Plain JavaScript, because it runs before anything can compile TypeScript.
 */
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const OWN_SOURCE = fileURLToPath(import.meta.url);
// Where this module stands in a project (src/build/…), the project being two folders up.
const OWN_PLACE = relative(resolve(dirname(OWN_SOURCE), '..', '..'), OWN_SOURCE);
// Files esbuild reads besides the modules themselves (compiler options, the package's module type).
const CONFIG_FILES = ['tsconfig.json', 'package.json'];
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };
// Bundles of earlier sources kept beside the current one whatever their age, and how long any other must have been
// left alone before it is removed.
const KEPT_BUNDLES = 2;
const IDLE_BEFORE_REMOVAL_MS = 60 * 60 * 1000;
const KINDS = {
  module: { entryFile: 'entry.mjs', format: 'esm' },
  script: { entryFile: 'entry.cjs', format: 'cjs' },
};
// The names of a bundle's files, written with them.
const FILE_LIST = 'files.json';

/**
 * The file URL of an up-to-date bundle of `entry` (relative to `root`), building it when needed; undefined when
 * esbuild, the cache directory or the build itself is unavailable (the caller then runs the TypeScript as it is).
 * `kind` is 'module' or 'script' (above); `external` names packages a script leaves to node_modules.
 */
export async function cachedBundle(root, entry, { cacheDir = join(root, 'node_modules', '.cache', 'ndop-assure', 'bundles'), kind = 'module', external = [] } = {}) {
  const version = esbuildVersion(root);
  if (version === undefined) return undefined;
  // How the bundle is packaged: its kind, and the packages a script leaves to node_modules.
  const packaging = { kind, external: kind === 'script' ? [...external].sort() : [] };
  const id = createHash('sha256').update(`${root}\0${entry}\0${packaging.kind}\0${packaging.external.join('\0')}`).digest('hex').slice(0, 16);
  const manifest = join(cacheDir, `${id}.json`);
  const cached = bundleInCache(root, version, cacheDir, id, manifest, packaging);
  if (cached) return { url: pathToFileURL(cached).href, built: false };
  try {
    const file = await build(root, entry, version, cacheDir, id, manifest, packaging);
    return { url: pathToFileURL(file).href, built: true };
  } catch {
    return undefined;
  }
}

function esbuildVersion(root) {
  try {
    return JSON.parse(readFileSync(createRequire(join(root, 'package.json')).resolve('esbuild/package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The bundle built from exactly the files on disk now, if there is one. */
function bundleInCache(root, version, cacheDir, id, manifest, packaging) {
  try {
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    const contents = new Map(inputs.map((input) => [input, readFileSync(join(root, input))]));
    const file = bundleFile(cacheDir, id, bundleKey(root, version, readConfig(root), contents), packaging);
    return bundleComplete(dirname(file)) ? file : undefined;
  } catch {
    // No manifest yet, or an input is gone: build afresh.
    return undefined;
  }
}

/** Every file the bundle was written with is there (a chunk is imported only when needed: a missing one would fail late). */
function bundleComplete(dir) {
  try {
    const { files } = JSON.parse(readFileSync(join(dir, FILE_LIST), 'utf8'));
    return files.every((name) => existsSync(join(dir, name)));
  } catch {
    return false;
  }
}

/** A bundle is a directory: its entry file and, for a module, the chunks the entry imports when it needs them. */
function bundleFile(cacheDir, id, key, packaging) {
  return join(cacheDir, `${id}-${key}`, KINDS[packaging.kind].entryFile);
}

function readConfig(root) {
  return CONFIG_FILES.map((name) => {
    try {
      return readFileSync(join(root, name));
    } catch {
      return Buffer.alloc(0);
    }
  });
}

/**
 * Everything the bundle depends on: the tools' versions, where the project is (module paths are compiled in),
 * how it is built (this file), the configuration, and each input's path and bytes. The names of the files in the
 * inputs' directories are in too: a file added beside an input can change what an import resolves to; and so is
 * the package.json of each package an input belongs to, whose exports, main and module fields do the same.
 */
function bundleKey(root, version, config, contents) {
  const hash = createHash('sha256');
  hash.update(`esbuild ${version}\0node ${process.versions.node}\0${root}\0`).update(readFileSync(OWN_SOURCE)).update('\0');
  for (const bytes of config) hash.update(bytes).update('\0');
  const inputs = [...contents.keys()].sort();
  for (const input of inputs) hash.update(input).update('\0').update(contents.get(input)).update('\0');
  for (const dir of [...new Set(inputs.map((input) => dirname(input)))].sort()) {
    hash.update(dir).update('\0').update(readdirSync(join(root, dir)).sort().join('\0')).update('\0');
  }
  for (const manifest of [...new Set(inputs.flatMap(packageManifestOf))].sort()) {
    hash.update(manifest).update('\0').update(readFileSync(join(root, manifest))).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/** The package.json of the package a file of node_modules belongs to (the innermost, for nested node_modules). */
function packageManifestOf(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return [];
  const name = parts[at + 1].startsWith('@') ? 2 : 1;
  return [join(...parts.slice(0, at + 1 + name), 'package.json')];
}

async function build(root, entry, version, cacheDir, id, manifest, packaging) {
  const config = readConfig(root);
  mkdirSync(cacheDir, { recursive: true });
  // A bundle that could not be written would be built for nothing, on every run (a read-only install).
  accessSync(cacheDir, constants.W_OK);
  const esbuild = await import(pathToFileURL(createRequire(join(root, 'package.json')).resolve('esbuild')).href);
  // The bytes esbuild was given, so the key names what was built even if a file changes meanwhile.
  const contents = new Map();
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [join(root, entry)],
      // Only gives the source map's paths their base (where Node finds the bundle when node_modules is a link):
      // the bundle is written below under its own name.
      outdir: join(realpathSync(cacheDir), 'bundle'),
      entryNames: 'entry',
      outExtension: { '.js': extname(KINDS[packaging.kind].entryFile) },
      write: false,
      bundle: true,
      ...(packaging.kind === 'module'
        ? {
            // What the entry imports with import() becomes a chunk of its own, loaded only then, together with the
            // packages only it needs: the command starts without the modules of the paths it does not take.
            splitting: true,
            packages: 'external',
          }
        : { external: packaging.external.flatMap((name) => [name, `${name}/*`]) }),
      platform: 'node',
      format: KINDS[packaging.kind].format,
      // As tsx compiles: for this Node, names of functions and classes kept; a module's stack traces mapped to the
      // sources (Node does not map those of a script compiled with node:vm, so a script carries no map).
      target: `node${process.versions.node}`,
      keepNames: true,
      sourcemap: packaging.kind === 'module' ? 'inline' : false,
      sourcesContent: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [ownUrls(root, contents)],
    });
  } finally {
    await esbuild.stop();
  }
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(root, resolve(root, input)));
  if (inputs.length !== contents.size || inputs.some((input) => !contents.has(input))) {
    throw new Error('the bundle has inputs that were not read by the plugin');
  }
  const file = bundleFile(cacheDir, id, bundleKey(root, version, config, contents), packaging);
  const outputs = result.outputFiles.map((output) => ({ name: relative(join(realpathSync(cacheDir), 'bundle'), output.path), contents: output.contents }));
  outputs.push({ name: FILE_LIST, contents: JSON.stringify({ files: outputs.map((o) => o.name) }) });
  // A folder of this name that lacks a file is damaged: replaced, not kept.
  if (!bundleComplete(dirname(file))) rmSync(dirname(file), { recursive: true, force: true });
  writeDirectoryAtomically(dirname(file), outputs);
  writeAtomically(manifest, JSON.stringify({ inputs: inputs.sort() }));
  removeOldBundles(cacheDir, id, file);
  return file;
}

/**
 * Every module of the project gets its own file URL in place of `import.meta.url`: in a bundle it would be the
 * bundle's, and modules find their data files, the profiles and the project root from it.
 */
function ownUrls(root, contents) {
  return {
    name: 'ndop-own-import-meta-url',
    setup(build) {
      // This module stays itself, imported beside the bundle: it runs before there is a bundle, and builds them.
      const self = join(root, OWN_PLACE);
      build.onResolve({ filter: /cached-bundle\.js$/ }, (args) =>
        resolve(args.resolveDir, args.path) === self ? { path: pathToFileURL(self).href, external: true } : undefined);
      build.onLoad({ filter: /.*/ }, (args) => {
        const loader = LOADERS[extname(args.path)];
        if (loader === undefined) throw new Error(`${args.path}: no loader for this kind of file`);
        const bytes = readFileSync(args.path);
        contents.set(relative(root, args.path), bytes);
        if (loader === 'json') return { contents: bytes, loader };
        const text = bytes.toString('utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        // import.meta.dirname, .resolve and the like would silently be the bundle's: tsx runs such a module instead.
        if (/\bimport\.meta\b/.test(text)) throw new Error(`${args.path}: uses import.meta beyond import.meta.url`);
        return { contents: text, loader };
      });
    },
  };
}

/** Whether this process may create files in `dir` (false where it is missing or read-only). */
export function isWritableDir(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Written under a temporary name and renamed, so a concurrent run sees the whole file or none. */
export function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
  } catch (e) {
    try {
      unlinkSync(temporary);
    } catch {
      // It was never written.
    }
    throw e;
  }
}

/** Written into a temporary directory and renamed, so a concurrent run sees the whole bundle or none. */
function writeDirectoryAtomically(dir, files) {
  const temporary = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    for (const { name, contents } of files) {
      mkdirSync(dirname(join(temporary, name)), { recursive: true });
      writeFileSync(join(temporary, name), contents);
    }
    renameSync(temporary, dir);
  } catch (e) {
    rmSync(temporary, { recursive: true, force: true });
    // Another run built the same bundle first: it is the same bundle.
    if (bundleComplete(dir)) return;
    throw e;
  }
}

function removeOldBundles(cacheDir, id, current) {
  const currentDir = dirname(current);
  const now = Date.now();
  try {
    const older = readdirSync(cacheDir)
      .filter((name) => name.startsWith(`${id}-`))
      .map((name) => join(cacheDir, name))
      .filter((dir) => dir !== currentDir)
      .map((dir) => ({ dir, mtime: statSync(dir).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    // A run that started from an older bundle may still import its chunks: only bundles (and folders left by
    // interrupted builds) untouched for an hour go, and the newest few stay whatever their age.
    for (const { dir, mtime } of older.slice(KEPT_BUNDLES)) if (now - mtime > IDLE_BEFORE_REMOVAL_MS) rmSync(dir, { recursive: true, force: true });
  } catch {
    // Another run removed them first; an old bundle left behind costs only disk space.
  }
}
