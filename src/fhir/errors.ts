/**
 * The one shape of failure of the codec: where (a FHIRPath-like path) and why.
 * Syntax errors also carry the line and column the parser reported.
 */
export class FhirFormatError extends Error {
  readonly path: string;
  readonly reason: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(path: string, reason: string, position?: { line: number; column: number }) {
    super(`${path}: ${reason}`);
    this.name = 'FhirFormatError';
    this.path = path;
    this.reason = reason;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** Path used for errors about the document as a whole (syntax, root), before any FHIR path exists. */
export const DOCUMENT_PATH = '(document)';

/** 1-based line and column of a character offset, for syntax errors. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Short description of a JSON value's shape for error reasons ("an array", "the number 3"). */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/**
 * Runs a recursive walk, turning a stack overflow on absurdly deep input (nested extensions
 * thousands deep) into a FhirFormatError rather than a crash.
 */
export function withDepthGuard<T>(walk: () => T): T {
  try {
    return walk();
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new FhirFormatError(DOCUMENT_PATH, 'the document is nested too deeply to process');
    }
    throw error;
  }
}
