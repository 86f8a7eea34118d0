/**
 * The regular expression engine given to ajv for `pattern`. The validator only ever asks whether a
 * value matches, never for what a group captured, so each capturing group is compiled as a
 * non-capturing one: V8's irregexp then matches the STU3 dateTime regex (11 groups) about twice as
 * fast. Messages still quote the pattern as the schema states it (ajv keeps the pattern string).
 */
import type { CodeOptions } from 'ajv';

type RegExpEngine = NonNullable<CodeOptions['regExp']>;

/** `(` that opens a capturing group -> `(?:`; outside character classes and escapes. Undefined when the pattern needs its groups (backreferences). */
export function withoutCaptures(pattern: string): string | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return undefined; // \1..\9, \k<name>: a backreference
      out += c + next;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '(' && pattern[i + 1] !== '?') {
      out += '(?:';
    } else {
      out += c;
    }
  }
  return out;
}

export const testOnlyRegExp: RegExpEngine = Object.assign((pattern: string, flags: string) => new RegExp(withoutCaptures(pattern) ?? pattern, flags), {
  // How generated code loaded from the cache (compiled-cache.ts) names this engine.
  code: 'runtime.regExp',
});
