/**
 * Reads a run configuration file (YAML or JSON; YAML is a superset) and checks it against
 * config-file.schema.json. Any problem is a ConfigFileError naming the file and the key.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml, YAMLParseError } from 'yaml';

export interface ConfigFile {
  target?: string;
  format?: 'xml' | 'json' | 'both';
  reportDir?: string;
  grep?: string;
  timeout?: number;
  connectTimeout?: number;
  bodyTimeout?: number;
  evidenceBodyLimit?: number;
  fixedPatients?: string[];
  snomedSystem?: string;
  maxConsentsPerPatient?: number;
  secretHeaders?: string[];
}

export class ConfigFileError extends Error {}

const schema = JSON.parse(readFileSync(new URL('./config-file.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
addFormats(ajv);
const validate = ajv.compile<ConfigFile>(schema);

function describeError(error: NonNullable<typeof validate.errors>[number]): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown key "${String(error.params.additionalProperty)}" (known keys: ${Object.keys(schema.properties).join(', ')})`;
  }
  if (error.keyword === 'enum') return `${where}: ${error.message} (${(error.params.allowedValues as unknown[]).join(', ')})`;
  return `${where}: ${error.message}`;
}

export function loadConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ConfigFileError(`${file}: not valid YAML or JSON${where}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return {};
  if (!validate(data)) {
    throw new ConfigFileError(`${file}: ${(validate.errors ?? []).map(describeError).join('; ')}`);
  }
  return data;
}
