import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../src/reference/keyed-mutex.js';
import { MemoryConsentStore } from '../../src/reference/store.js';

const consent = (status: string) => ({ resourceType: 'Consent', status });
const index = (patient: string, key = `${patient}|policy|purpose`) => ({ patient, duplicateKey: key });

describe('KeyedMutex', () => {
  it('runs tasks on one key one at a time, in arrival order, and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const task = (name: string, ms: number) => () =>
      new Promise<void>((resolve) => {
        order.push(`start ${name}`);
        setTimeout(() => {
          order.push(`end ${name}`);
          resolve();
        }, ms);
      });
    await Promise.all([mutex.withLocks(['a'], task('1', 20)), mutex.withLocks(['a'], task('2', 1)), mutex.withLocks(['b'], task('3', 1))]);
    expect(order.indexOf('end 1')).toBeLessThan(order.indexOf('start 2'));
    expect(order.indexOf('start 3')).toBeLessThan(order.indexOf('end 1'));
    expect(mutex.size).toBe(0);
  });

  it('releases the lock when the task throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.withLocks(['k'], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.withLocks(['k'], async () => 'next')).resolves.toBe('next');
  });
});

describe('MemoryConsentStore with simulated I/O latency', () => {
  it('creates exactly one Consent among concurrent creates with one duplicate key', async () => {
    const store = new MemoryConsentStore({ latencyMs: 2 });
    const results = await Promise.all(Array.from({ length: 20 }, () => store.create(consent('active'), index('p1'))));
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(19);
    expect(await store.findCurrent({ patient: 'p1' })).toHaveLength(1);
  });

  it('numbers versions 1, 2, ... and keeps every version unchanged', async () => {
    const store = new MemoryConsentStore({ latencyMs: 1 });
    const created = await store.create(consent('active'), index('p2'));
    if (created.outcome !== 'created') throw new Error('not created');
    const id = created.version.id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const updates = await Promise.all(Array.from({ length: 10 }, (_, i) => store.update(id, consent(i % 2 ? 'active' : 'inactive'), index('p2'))));
    expect(updates.every((u) => u.outcome === 'updated')).toBe(true);
    const history = (await store.history(id))!;
    expect(history.map((v) => v.versionId)).toEqual(['11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
    expect(history.at(-1)!.resource).toMatchObject({ id, status: 'active', meta: { versionId: '1' } });
    expect(() => ((history[0]!.resource as unknown as { status: string }).status = 'x')).toThrow();
  });

  it('lets exactly one of several updates with the same expected version through', async () => {
    const store = new MemoryConsentStore({ latencyMs: 2 });
    const created = await store.create(consent('active'), index('p3'));
    if (created.outcome !== 'created') throw new Error('not created');
    const results = await Promise.all(Array.from({ length: 10 }, () => store.update(created.version.id, consent('inactive'), index('p3'), '1')));
    expect(results.filter((r) => r.outcome === 'updated')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'precondition-failed')).toHaveLength(9);
    expect((await store.history(created.version.id))!.map((v) => v.versionId)).toEqual(['2', '1']);
  });

  it('refuses an update to an unknown id, and one that would take another Consent key', async () => {
    const store = new MemoryConsentStore();
    expect(await store.update('nope', consent('active'), index('p4'))).toEqual({ outcome: 'not-found' });
    const a = await store.create(consent('active'), index('p4', 'A'));
    const b = await store.create(consent('active'), index('p4', 'B'));
    if (a.outcome !== 'created' || b.outcome !== 'created') throw new Error('not created');
    expect(await store.update(b.version.id, consent('active'), index('p4', 'A'))).toEqual({ outcome: 'duplicate', existingId: a.version.id });
    // Moving a Consent to a free key releases its old key for a new create.
    expect((await store.update(b.version.id, consent('active'), index('p4', 'C'))).outcome).toBe('updated');
    expect((await store.create(consent('active'), index('p4', 'B'))).outcome).toBe('created');
  });

  it('gives patient history newest first across Consents', async () => {
    const store = new MemoryConsentStore();
    const a = await store.create(consent('active'), index('p5', 'A'));
    await store.create(consent('active'), index('p5', 'B'));
    if (a.outcome !== 'created') throw new Error('not created');
    await store.update(a.version.id, consent('inactive'), index('p5', 'A'));
    const history = await store.historyForPatient('p5');
    expect(history.map((v) => `${v.id === a.version.id ? 'A' : 'B'}${v.versionId}`)).toEqual(['A2', 'B1', 'A1']);
    expect(await store.historyForPatient('nobody')).toEqual([]);
  });
});

describe('MemoryConsentStore timestamps', () => {
  it('advances lastUpdated past the previous version even within one millisecond', async () => {
    const instant = new Date('2026-01-01T00:00:00.000Z');
    const store = new MemoryConsentStore({ now: () => instant });
    const index = { patient: 'p', duplicateKey: 'k' };
    const created = await store.create({ resourceType: 'Consent' }, index);
    if (created.outcome !== 'created') throw new Error(created.outcome);
    const updated = await store.update(created.version.id, { resourceType: 'Consent' }, index);
    if (updated.outcome !== 'updated') throw new Error(updated.outcome);
    expect(created.version.lastUpdated).toBe('2026-01-01T00:00:00.000Z');
    expect(updated.version.lastUpdated).toBe('2026-01-01T00:00:00.001Z');
    const other = await store.create({ resourceType: 'Consent' }, { patient: 'q', duplicateKey: 'j' });
    expect(other.outcome === 'created' && other.version.lastUpdated).toBe('2026-01-01T00:00:00.000Z');
  });
});
