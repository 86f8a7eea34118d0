/**
 * JSON.parse keeps the last of two same-named properties and drops the first without a word.
 * This scan of text that JSON.parse has already accepted finds such a repeat and says where,
 * so that no value is lost silently. It jumps from quote to quote, so it costs little.
 */
interface ObjectFrame {
  keys: Set<string>;
  key: string | undefined;
}
type Frame = ObjectFrame | { index: number };

const QUOTE = 34;
const BACKSLASH = 92;

/** The end quote of the string starting at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

function pathOf(stack: Frame[], root: string, last: string): string {
  let path = root;
  // Every frame but the innermost says how its child was reached: by a key or an index.
  for (let i = 0; i < stack.length - 1; i++) {
    const frame = stack[i]!;
    path += 'keys' in frame ? `.${frame.key ?? ''}` : `[${frame.index}]`;
  }
  return `${path}.${last}`;
}

/** The path of the first repeated property in valid JSON text, or undefined when there is none. */
export function repeatedProperty(text: string, root: string): { path: string; offset: number } | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (expectKey && top && 'keys' in top) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys.has(key)) return { path: pathOf(stack, root, key), offset: i };
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 123 /* { */) {
      stack.push({ keys: new Set(), key: undefined });
      expectKey = true;
    } else if (c === 91 /* [ */) {
      stack.push({ index: 0 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      if (top && 'keys' in top) expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}
