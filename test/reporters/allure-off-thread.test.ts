/**
 * AllureOffThread writes each test's Allure result in a thread of its own, and writes the same results as
 * allure-vitest's own reporter: the fixture modules are run once with each, and the results compared with their
 * attachments read in and what differs from run to run (uuids, times) left out. Its end waits for the thread, so
 * every result is on disk when the run ends.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVitest, type Reporter } from 'vitest/node';
import { AllureOffThread } from '../../reporters/allure-off-thread.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/allure/', import.meta.url));
const quiet = () => new Writable({ write: (_chunk, _encoding, done) => done() });

async function runFixtures(reporters: Array<Reporter | [string, Record<string, unknown>]>): Promise<void> {
  const vitest = await createVitest('test', {
    root: FIXTURES, config: false, watch: false, include: ['*.spec.ts'], setupFiles: ['allure-vitest/setup'], reporters, pool: 'threads',
  }, {}, { stdout: quiet(), stderr: quiet() });
  try {
    await vitest.start();
  } finally {
    await vitest.close();
  }
}

const VARIES = new Set(['uuid', 'start', 'stop', 'timestamp']);

/** The results directory as data: each result and global file with its attachments' content in place. */
function resultsOf(dir: string): { files: Record<string, number>; results: unknown[]; globals: unknown[] } {
  const names = readdirSync(dir);
  const read = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(read);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !VARIES.has(key))
        .map(([key, v]) => [key, key === 'source' ? { type: extname(String(v)), content: readFileSync(join(dir, String(v)), 'utf8') } : read(v)]),
    );
  };
  const files: Record<string, number> = {};
  for (const name of names) {
    const kind = name.replace(/^[0-9a-f-]{36}-/, '');
    files[kind] = (files[kind] ?? 0) + 1;
  }
  const parsed = (suffix: string) => names.filter((n) => n.endsWith(suffix)).map((n) => read(JSON.parse(readFileSync(join(dir, n), 'utf8'))));
  const byName = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
  return { files, results: parsed('-result.json').sort(byName), globals: parsed('-globals.json').sort(byName) };
}

let stock: ReturnType<typeof resultsOf>;
let offThread: ReturnType<typeof resultsOf>;
let onDiskAtTheEnd: string[] = [];

beforeAll(async () => {
  const stockDir = mkdtempSync(join(tmpdir(), 'ndop-allure-stock-'));
  await runFixtures([['allure-vitest/reporter', { resultsDir: stockDir }]]);
  stock = resultsOf(stockDir);

  const dir = mkdtempSync(join(tmpdir(), 'ndop-allure-off-thread-'));
  // Reporters end in their order: this one looks at the disk once AllureOffThread's onTestRunEnd has finished.
  const endWatcher: Reporter = {
    onTestRunEnd: () => void (onDiskAtTheEnd = readdirSync(dir).filter((n) => n.endsWith('-result.json')).map((n) => (JSON.parse(readFileSync(join(dir, n), 'utf8')) as { name: string }).name)),
  };
  await runFixtures([new AllureOffThread({ resultsDir: dir }), endWatcher]);
  offThread = resultsOf(dir);
}, 60_000);

describe('Allure results written in a thread of their own', () => {
  it('are the results allure-vitest writes itself', () => {
    expect(stock.results).toHaveLength(4);
    expect(offThread).toEqual(stock);
  });

  it('include steps, attachments, failures, a label from a suite hook and the hook failure as a global error', () => {
    const text = JSON.stringify(stock);
    for (const expected of ['read it back', '<Consent/>', 'expected 200 to be 201', '"layer"', 'beforeAll hook failed: the embedded reference server did not start']) {
      expect(text).toContain(expected);
    }
  });

  it('are all on disk when the reporter has ended', () => {
    expect([...onDiskAtTheEnd].sort()).toEqual(['create-a [json]', 'create-a [xml]', 'history-a [xml]', 'search-a [json]']);
  });
});
