/** An up-to-date bundle: its file URL, and whether this call built it (false: it was in the cache). */
export interface CommandBundle {
  url: string;
  built: boolean;
}

export function commandBundle(root: string, entry: string, cacheDir?: string): Promise<CommandBundle | undefined>;
