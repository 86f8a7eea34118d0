/**
 * The same text as one flat string. V8 builds long results (JSON.stringify, concatenation) as ropes of
 * pieces and joins them on the first indexed read: reading one character before keeping a string for
 * the server's lifetime keeps one object instead of a rope's several.
 */
export function flatString(text: string): string {
  text.charCodeAt(0);
  return text;
}
