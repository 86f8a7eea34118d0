/**
 * Loads a script bundle in a process of its own, as each run of the command does (in one process V8 would answer a
 * second load from memory, never reading the cache on disk), and prints what it found as JSON.
 *   node --import tsx test/support/script-bundle-child.ts <file URL> [save <work>]
 */
import { loadScriptBundle } from '../../src/build/script-bundle.js';

interface Exports {
  total(values: number[]): number;
  where: string;
}

const [url, save, work] = process.argv.slice(2);
const loaded = loadScriptBundle<Exports>(url!);
const answer = { codeCache: loaded.codeCache, total: loaded.exports.total([1, 2, 3]), where: loaded.exports.where };
if (save === 'save') loaded.saveCodeCache(Number(work));
process.stdout.write(JSON.stringify(answer));
