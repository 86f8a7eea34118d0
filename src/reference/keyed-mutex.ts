/**
 * One lock per key: callers holding different keys run concurrently, callers on the same key run
 * one after another in arrival order. Used by the store to make read-check-write sequences atomic.
 */
export class KeyedMutex {
  /** Per held key, the callers waiting for it in arrival order; a key is absent when nobody holds it. */
  private readonly waiting = new Map<string, Array<() => void>>();

  /** Runs `task` once every earlier task on any of `keys` has finished. Keys are locked in sorted order to avoid deadlock. */
  withLocks<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const only = keys.length === 1 ? keys[0]! : undefined;
    // The usual case, one free key: held around the task without an async frame of its own.
    if (only !== undefined && !this.waiting.has(only)) {
      this.waiting.set(only, []);
      let running: Promise<T>;
      try {
        running = task();
      } catch (error) {
        this.release(only);
        return Promise.reject(error as Error);
      }
      return running.then(
        (value) => {
          this.release(only);
          return value;
        },
        (error: unknown) => {
          this.release(only);
          throw error;
        },
      );
    }
    return this.inTurn(keys, task);
  }

  private async inTurn<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const unique = keys.length === 1 ? keys : [...new Set(keys)].sort();
    let held = 0;
    try {
      for (const key of unique) {
        // A free key is taken at once, without a promise; a held one is waited for.
        const turn = this.acquire(key);
        if (turn) await turn;
        held++;
      }
      return await task();
    } finally {
      for (let i = held - 1; i >= 0; i--) this.release(unique[i]!);
    }
  }

  private acquire(key: string): Promise<void> | undefined {
    const queue = this.waiting.get(key);
    if (queue === undefined) {
      this.waiting.set(key, []);
      return undefined;
    }
    return new Promise<void>((resolve) => queue.push(resolve));
  }

  /** Hands the key to the next caller waiting for it, or frees it, so the map does not grow with every patient. */
  private release(key: string): void {
    const queue = this.waiting.get(key)!;
    const next = queue.shift();
    if (next) next();
    else this.waiting.delete(key);
  }

  /** Number of keys currently locked or queued (for tests). */
  get size(): number {
    return this.waiting.size;
  }
}
