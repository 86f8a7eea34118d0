/**
 * The scenario runtime runs as a script bundle compiled with V8's code cache (src/build/script-bundle.ts): the
 * cache is written once the script has run, taken by the next load, and one V8 refuses (damaged, cut short, made
 * for another script) is only a slower start that writes it again; a cache that cannot be written never fails the
 * run. Each load is a process of its own, as each run is.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodeCacheUse } from '../../src/build/script-bundle.js';
import { ROOT } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'ndop-script-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CHILD = join(ROOT, 'test', 'support', 'script-bundle-child.ts');

/** Loads the script in a new process, then saves its code cache for the work given (as the spec does after its runs). */
function load(url: string, { save, v8Flags = [] }: { save?: number; v8Flags?: string[] } = {}): { codeCache: CodeCacheUse; total: number; where: string } {
  const args = save === undefined ? [url] : [url, 'save', String(save)];
  return JSON.parse(execFileSync(process.execPath, [...v8Flags, '--import', 'tsx', CHILD, ...args], { cwd: ROOT, encoding: 'utf8' }));
}

let scripts = 0;
/** A CommonJS script as cachedBundle writes one: it uses require, module.exports and __filename. */
function script(): { file: string; url: string; cache: string } {
  const dir = join(scratch, `bundle-${++scripts}`);
  mkdirSync(dir);
  const file = join(dir, 'entry.cjs');
  const functions = Array.from({ length: 50 }, (_, i) => `function step${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(
    file,
    `"use strict";\n${functions}\nconst { join } = require("node:path");\n` +
      'module.exports = { total: (values) => values.reduce((sum, v) => step0(sum + v), 0), where: join(__dirname, "entry.cjs") };\n',
  );
  return { file, url: pathToFileURL(file).href, cache: `${file}.v8-cache` };
}

/** The script ran as it should, whatever happened to its cache. */
function expectWorking(loaded: { total: number; where: string }, file: string): void {
  expect(loaded).toMatchObject({ total: 6, where: file });
}

describe('loadScriptBundle', () => {
  it('runs the script, saves its compiled code after use, and the next load takes it', () => {
    const { file, url, cache } = script();
    const first = load(url, { save: 1 });
    expect(first.codeCache).toBe('absent');
    expectWorking(first, file);
    const saved = readFileSync(cache);
    expect(saved.length).toBeGreaterThan(0);

    const written = statSync(cache).mtimeMs;
    const second = load(url, { save: 1 });
    expect(second.codeCache).toBe('used');
    expectWorking(second, file);
    // A cache that was used is left as it is.
    expect(statSync(cache).mtimeMs).toBe(written);
    expect(readFileSync(cache).equals(saved)).toBe(true);
  });

  it('replaces a cache only by one from a load that did more work', () => {
    const { url, cache } = script();
    load(url, { save: 3 });
    const fromThree = readFileSync(cache);
    load(url, { save: 3 });
    load(url, { save: 2 });
    expect(readFileSync(cache).equals(fromThree)).toBe(true);
    expect(load(url, { save: 104 }).codeCache).toBe('used');
    expect(readFileSync(cache).equals(fromThree)).toBe(false);
    expect(load(url).codeCache).toBe('used');
  });

  it.each([
    ['damaged in its header', (saved: Buffer) => Buffer.from(saved.map((byte, i) => (i < 64 ? byte ^ 0xff : byte)))],
    // Past the file's own header: V8's bytes, which V8 itself would take and could abort on.
    ["damaged in V8's header", (saved: Buffer) => Buffer.from(saved.map((byte, i) => (i >= 52 && i < 60 ? byte ^ 0xff : byte)))],
    ['damaged in its body', (saved: Buffer) => Buffer.from(saved.map((byte, i) => (Math.abs(i - saved.length / 2) < 16 ? byte ^ 0x5a : byte)))],
    ['cut short', (saved: Buffer) => saved.subarray(0, Math.floor(saved.length / 2))],
    ['of another script', () => readFileSync(otherScriptCache())],
  ])('refuses a cache that is %s, runs from the source and writes the cache again', (_, spoil) => {
    const { file, url, cache } = script();
    load(url, { save: 1 });
    writeFileSync(cache, spoil(readFileSync(cache)));

    const refused = load(url, { save: 1 });
    expect(refused.codeCache).toBe('rejected');
    expectWorking(refused, file);
    expect(load(url).codeCache).toBe('used');
  });

  it('refuses a cache made under other V8 flags (the command sets its own), and writes one for these', () => {
    const { file, url } = script();
    expect(load(url, { save: 1, v8Flags: ['--max-opt=1'] }).codeCache).toBe('absent');
    const otherFlags = load(url, { save: 1 });
    expect(otherFlags.codeCache).toBe('rejected');
    expectWorking(otherFlags, file);
    expect(load(url).codeCache).toBe('used');
  });

  it('refuses the cache of a source edited in place to the same length (V8 alone would run the old code)', () => {
    const { file, url, cache } = script();
    load(url, { save: 1 });
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('step0(sum + v)', 'step9(sum + v)');
    expect(edited).not.toBe(text);
    expect(edited.length).toBe(text.length);
    writeFileSync(file, edited);
    const loaded = load(url, { save: 1 });
    expect(loaded.codeCache).toBe('rejected');
    // Each value plus 9: the edited source ran, not the code cached for the old one.
    expect(loaded.total).toBe(1 + 2 + 3 + 3 * 9);
    expect(readFileSync(cache).length).toBeGreaterThan(0);
    expect(load(url).codeCache).toBe('used');
  });

  it('runs without a cache it cannot write, and leaves no temporary file', () => {
    const { file, url, cache } = script();
    // A directory where the cache would go: it can neither be read as a cache nor replaced by one.
    mkdirSync(cache);
    const loaded = load(url, { save: 1 });
    expect(loaded.codeCache).toBe('absent');
    expectWorking(loaded, file);
    expect(readdirSync(join(file, '..')).sort()).toEqual(['entry.cjs', 'entry.cjs.v8-cache']);
    expect(statSync(cache).isDirectory()).toBe(true);
  });
});

/** The saved cache of a different script (V8 checks the source a cache was made from). */
function otherScriptCache(): string {
  const dir = join(scratch, `other-${++scripts}`);
  mkdirSync(dir);
  const file = join(dir, 'entry.cjs');
  writeFileSync(file, '"use strict";\nmodule.exports = { total: () => 0, where: "a different script, of a different length" };\n');
  load(pathToFileURL(file).href, { save: 1 });
  return `${file}.v8-cache`;
}
