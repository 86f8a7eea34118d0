/** Reads a YAML (or JSON) data file and checks it against a JSON Schema; every problem names file, path and reason. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type * as Yaml from 'yaml';
import { cached, cacheKey } from './data-cache.js';
import { displayPath } from './paths.js';

export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${file}: ${location}: ${reason}`);
  }
}

// The YAML parser and ajv are loaded only to parse and check a file the cache does not hold (data-cache.ts): a run
// whose data files are unchanged starts without them.
const load = createRequire(import.meta.url);
let ajv: AjvClass | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemaFile: string): ValidateFunction {
  let fn = compiled.get(schemaFile);
  if (!fn) {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
    ajv ??= new (load('ajv') as typeof import('ajv')).Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    fn = ajv.compile(schema);
    compiled.set(schemaFile, fn);
  }
  return fn;
}

/** One message per failing location, deepest first; alternative types are joined ("must be integer or array"). */
export function describeSchemaErrors(errors: readonly ErrorObject[]): { location: string; reason: string }[] {
  const byPath = new Map<string, { types: string[]; messages: string[] }>();
  for (const e of errors) {
    const loc = e.instancePath || '/';
    const entry = byPath.get(loc) ?? { types: [], messages: [] };
    byPath.set(loc, entry);
    if (e.keyword === 'type') entry.types.push(String((e.params as { type: string }).type));
    else if (e.keyword === 'oneOf' || e.keyword === 'if' || e.keyword === 'anyOf') continue;
    else if (e.keyword === 'additionalProperties') entry.messages.push(`unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`);
    else if (e.keyword === 'enum') entry.messages.push(`must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`);
    else if (e.keyword === 'not') entry.messages.push('must not have both fixture and body');
    else entry.messages.push(e.message ?? e.keyword);
  }
  const out: { location: string; reason: string }[] = [];
  for (const [location, entry] of byPath) {
    const reasons = [...new Set(entry.messages)];
    if (entry.types.length) reasons.unshift(`must be ${[...new Set(entry.types)].join(' or ')}`);
    if (reasons.length) out.push({ location, reason: reasons.join('; ') });
  }
  // Deepest path first: it is where the author has to look.
  return out.sort((a, b) => b.location.split('/').length - a.location.split('/').length);
}

/**
 * Parses `file` and validates it; throws DataFileError (YAML errors with line/column, schema errors with JSON path).
 * A text already parsed and checked against the same schema comes from the data cache.
 */
export function readYamlData<T>(file: string, schemaFile: string, text?: string): T {
  const shown = displayPath(file);
  let source: string;
  try {
    source = text ?? readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataFileError(shown, '/', `cannot be read (${(err as Error).message})`);
  }
  const schemaText = readFileSync(schemaFile, 'utf8');
  return cached(cacheKey(source, schemaText), () => parseAndCheck<T>(shown, source, schemaFile));
}

function parseAndCheck<T>(shown: string, source: string, schemaFile: string): T {
  const { LineCounter, parseDocument } = load('yaml') as typeof Yaml;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    throw new DataFileError(shown, where, `YAML syntax error: ${e.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  const validate = validatorFor(schemaFile);
  if (!validate(data)) {
    const [first] = describeSchemaErrors(validate.errors ?? []);
    throw new DataFileError(shown, first?.location ?? '/', first?.reason ?? 'does not match the schema');
  }
  return data as T;
}
