/** An up-to-date bundle: its file URL, and whether this call built it (false: it was in the cache). */
export interface CachedBundle {
  url: string;
  built: boolean;
}

export function cachedBundle(root: string, entry: string, cacheDir?: string): Promise<CachedBundle | undefined>;
