/**
 * XML character rules: escaping on output, entity and character-reference decoding on input.
 * The parser is run with its own entity processing off (it would leave character references
 * undecoded and accept undefined entities), so attribute values are decoded here.
 */
import { FhirFormatError } from './errors.js';

// Control characters are exactly what this pattern looks for.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
const HAS_LITERAL_WHITESPACE = /[\t\n\r]/g;
const REFERENCE = /&([^;&\s]{0,12});?/g;
const HEX_DIGITS = /^[0-9a-fA-F]+$/;
const DECIMAL_DIGITS = /^[0-9]+$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Escapes text for an attribute value (also safe as element text). */
export function escapeXml(text: string, path: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    switch (code) {
      case 38: out += '&amp;'; continue;
      case 60: out += '&lt;'; continue;
      case 62: out += '&gt;'; continue;
      case 34: out += '&quot;'; continue;
      // Literal tabs and line breaks in attributes are read back as spaces: write references.
      case 9: out += '&#9;'; continue;
      case 10: out += '&#10;'; continue;
      case 13: out += '&#13;'; continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
    }
    if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) {
      throw new FhirFormatError(path, `character U+${code.toString(16).toUpperCase().padStart(4, '0')} cannot be written in XML`);
    }
    out += text[i]!;
  }
  return out;
}

/**
 * Decodes an attribute value as an XML processor does: literal tab/CR/LF become spaces
 * (attribute-value normalisation), references are replaced, undefined entities are errors.
 */
export function decodeAttribute(raw: string, path: string): string {
  let value = raw;
  HAS_LITERAL_WHITESPACE.lastIndex = 0;
  if (HAS_LITERAL_WHITESPACE.test(value)) value = value.replace(HAS_LITERAL_WHITESPACE, ' ');
  if (value.indexOf('&') < 0) return value;
  return value.replace(REFERENCE, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new FhirFormatError(path, `unterminated reference "${whole}" (write & as &amp;)`);
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    if (name.charCodeAt(0) === 35 /* # */) {
      const hex = name.charCodeAt(1) === 120; /* x */
      const digits = name.slice(hex ? 2 : 1);
      const code = digits !== '' && (hex ? HEX_DIGITS : DECIMAL_DIGITS).test(digits) ? parseInt(digits, hex ? 16 : 10) : NaN;
      if (!isXmlChar(code)) throw new FhirFormatError(path, `character reference "${whole}" is not an XML character`);
      return String.fromCodePoint(code);
    }
    throw new FhirFormatError(path, `undefined entity "${whole}" (XML defines only lt, gt, amp, quot, apos)`);
  });
}

/** True when element text is only whitespace (the indentation between elements). */
export function isWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return false;
  }
  return true;
}
