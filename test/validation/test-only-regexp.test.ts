/**
 * The validator's patterns are compiled without capturing groups (src/validation/test-only-regexp.ts).
 * Each pattern it uses must still accept and refuse exactly the same strings.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { model } from '../../src/fhir/model/index.js';
import { testOnlyRegExp, withoutCaptures } from '../../src/validation/test-only-regexp.js';

const extraFormats: Record<string, string> = JSON.parse(readFileSync(new URL('../../src/validation/primitive-formats.json', import.meta.url), 'utf8'));
/** Every pattern the schemas test, anchored as schema-builder.ts writes them. */
const patterns = Object.entries({ ...Object.fromEntries(Object.entries(model.primitives).map(([code, p]) => [code, p.regex])), ...extraFormats })
  .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !entry[0].startsWith('$'))
  .map(([code, regex]) => [code, `^(?:${regex})$`] as const);

/** Characters the STU3 patterns care about, so that random strings often come close to matching. */
const near = fc.string({ unit: fc.constantFrom(...'0123456789-:.+TZ ab_ufnirdoxé\t'.split('')), maxLength: 30 });
const samples = ['2017-12-14T11:15:33+00:00', '2017-12-14T11:15:33', '2017-13-14', '2017', '-2017-01', '2017-11-16T11:17:32.511+00:00', '14:00:00', '1.50', '-0', '007', 'urn:oid:1.2.3', 'urn:uuid:0353e505-f7be-4c20-8f4e-337e79a32c51', 'a b', 'a  b', ' a', 'X26'];

describe('patterns without capturing groups', () => {
  it('covers the instant format and the model regexes', () => {
    expect(patterns.map(([code]) => code)).toContain('instant');
    expect(patterns.map(([code]) => code)).toContain('dateTime');
  });

  for (const [code, pattern] of patterns) {
    it(`${code}: has no capturing group left and matches exactly what the original matches`, () => {
      const original = new RegExp(pattern);
      const compiled = testOnlyRegExp(pattern, '') as RegExp;
      expect(new RegExp(`${compiled.source}|`).exec('')!.length).toBe(1);
      for (const s of samples) expect(compiled.test(s), s).toBe(original.test(s));
      fc.assert(fc.property(near, (s) => compiled.test(s) === original.test(s)), { numRuns: 2000 });
    });
  }

  it('leaves escapes and character classes alone', () => {
    expect(withoutCaptures('[(]\\(a(b)(?:c)(?=d)')).toBe('[(]\\(a(?:b)(?:c)(?=d)');
    expect(withoutCaptures('[\\]()](x)')).toBe('[\\]()](?:x)');
  });

  it('keeps the groups of a pattern with a backreference', () => {
    expect(withoutCaptures('(a)\\1')).toBeUndefined();
    expect((testOnlyRegExp('^(a)\\1$', '') as RegExp).test('aa')).toBe(true);
  });
});
