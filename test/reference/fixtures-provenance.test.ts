/** Every fixture listed in fixtures/PROVENANCE.md under consent/ is a byte-exact copy of its guide source (vendored in fixtures/guide-examples). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const repo = new URL('../../', import.meta.url);
const guideExamples = new URL('fixtures/guide-examples/', repo);
const rows = [...readFileSync(new URL('fixtures/PROVENANCE.md', repo), 'utf8').matchAll(/^\| `(consent\/[^`]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1]!, m[2]!] as const);

describe('fixtures/consent provenance', () => {
  it('lists every file in fixtures/consent', () => {
    expect(rows.map(([file]) => file).sort()).toEqual(readdirSync(new URL('fixtures/consent/', repo)).map((f) => `consent/${f}`).sort());
  });

  it.each(rows)('%s is a byte-exact copy of the guide’s %s', (file, source) => {
    const original = new URL(source.replace(/^examples\//, ''), guideExamples);
    expect(existsSync(original), `${original.pathname} is missing from fixtures/guide-examples`).toBe(true);
    expect(readFileSync(new URL(`fixtures/${file}`, repo)).equals(readFileSync(original))).toBe(true);
  });
});
