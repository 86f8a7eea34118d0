/** Answers of one event-loop turn are written together, in order, and a failing write fails only its own request. */
import { describe, expect, it } from 'vitest';
import { writeSoon } from '../../src/reference/response-batch.js';

describe('writeSoon', () => {
  it('writes after the current turn, in the order asked, and settles with each write’s result', async () => {
    const written: string[] = [];
    const first = writeSoon(() => written.push('a'));
    const second = writeSoon(() => written.push('b'));
    written.push('sync');
    expect(await Promise.all([first, second])).toEqual([2, 3]);
    expect(written).toEqual(['sync', 'a', 'b']);
  });

  it('rejects the promise of a write that throws and still makes the writes after it', async () => {
    const failing = writeSoon(() => {
      throw new Error('cannot write');
    });
    const next = writeSoon(() => 'written');
    await expect(failing).rejects.toThrow('cannot write');
    await expect(next).resolves.toBe('written');
  });
});
