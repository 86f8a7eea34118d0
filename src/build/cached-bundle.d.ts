/** An up-to-date bundle: its file URL, and whether this call built it (false: it was in the cache). */
export interface CachedBundle {
  url: string;
  built: boolean;
}

export interface BundleOptions {
  /** Where bundles are kept (default: node_modules/.cache/ndop-assure/bundles under the project). */
  cacheDir?: string;
  /** 'module': an ES module in chunks, packages imported from node_modules; 'script': one CommonJS file with its packages. */
  kind?: 'module' | 'script';
  /** For a script: packages (and their subpaths) required from node_modules instead of bundled. */
  external?: readonly string[];
}

export function cachedBundle(root: string, entry: string, options?: BundleOptions): Promise<CachedBundle | undefined>;

/** Writes a file under a temporary name and renames it, so a concurrent reader sees the whole file or none; throws if it cannot. */
export function writeAtomically(file: string, contents: string | NodeJS.ArrayBufferView): void;

/** Whether this process may create files in `dir` (false where it is missing or read-only). */
export function isWritableDir(dir: string): boolean;
