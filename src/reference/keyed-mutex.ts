/**
 * One lock per key: callers holding different keys run concurrently, callers on the same key run
 * one after another in arrival order. Used by the store to make read-check-write sequences atomic.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task on any of `keys` has finished. Keys are locked in sorted order to avoid deadlock. */
  async withLocks<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const unique = keys.length === 1 ? keys : [...new Set(keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of unique) releases.push(await this.acquire(key));
      return await task();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with every patient.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  /** Number of keys currently locked or queued (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
