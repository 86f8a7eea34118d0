/**
 * Answers are written together once the event loop has handled every request that was ready (at the
 * end of its poll phase, through setImmediate), the way event-loop servers such as Redis write their
 * replies just before waiting for the network again. On loopback, where the embedded server runs, a
 * send also runs the receiver's side of TCP and wakes the reader: answers written back to back wake a
 * waiting client once, not once each. A single request waits for nothing: the phase ends right after it.
 */
type Send = () => void;

let queue: Send[] = [];

function flush(): void {
  const sends = queue;
  queue = [];
  for (const send of sends) send();
}

/** Runs `write` when this turn's answers go out; settles as `write` does (its result, or what it threw). */
export function writeSoon<T>(write: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const send = (): void => {
      try {
        resolve(write());
      } catch (error) {
        reject(error as Error);
      }
    };
    if (queue.push(send) === 1) setImmediate(flush);
  });
}
