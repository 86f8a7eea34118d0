/** The data cache: a text parsed and checked once is served again; any edit, or a damaged entry, is parsed anew. */
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cached, cacheKey } from '../../src/engine/data-cache.js';
import { DataFileError } from '../../src/engine/yaml-data.js';
import { readYamlData } from '../../src/engine/yaml-data.js';

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/ndop-assure/data/', import.meta.url));
const unique = () => `${process.pid}-${Date.now()}-${Math.random()}`;

describe('the data cache', () => {
  it('makes a value once per key, and hands out copies', () => {
    const key = cacheKey('cache test', unique());
    let made = 0;
    const first = cached(key, () => ({ made: ++made, list: [1] }));
    first.list.push(2);
    expect(cached(key, () => ({ made: ++made, list: [1] }))).toEqual({ made: 1, list: [1] });
    expect(made).toBe(1);
    expect(JSON.parse(readFileSync(join(CACHE_DIR, `${key}.json`), 'utf8'))).toEqual({ made: 1, list: [1] });
  });

  it('keys on every text it is given', () => {
    expect(cacheKey('a', 'b')).not.toBe(cacheKey('a', 'c'));
    expect(cacheKey('ab', '')).not.toBe(cacheKey('a', 'b'));
  });

  it('serves a data file from the cache only while its text and its schema are unchanged, and never caches an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndop-cache-'));
    const schema = join(dir, 'schema.json');
    writeFileSync(schema, JSON.stringify({ type: 'object', required: ['n'], properties: { n: { type: 'integer' } } }));
    const file = join(dir, 'data.yaml');
    const marker = unique();
    writeFileSync(file, `n: 1\n# ${marker}\n`);
    const entries = () => readdirSync(CACHE_DIR).length;
    expect(readYamlData(file, schema)).toEqual({ n: 1 });
    const after = entries();
    expect(readYamlData(file, schema)).toEqual({ n: 1 });
    expect(entries()).toBe(after);
    writeFileSync(file, `n: 2\n# ${marker}\n`);
    expect(readYamlData(file, schema)).toEqual({ n: 2 });
    writeFileSync(file, `n: two\n# ${marker}\n`);
    expect(() => readYamlData(file, schema)).toThrow(DataFileError);
    expect(() => readYamlData(file, schema)).toThrow('/n: must be integer');
  });
});
