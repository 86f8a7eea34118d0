/**
 * Reads a run configuration file (YAML or JSON; YAML is a superset) and checks it against
 * config-file.schema.json. Any problem is a ConfigFileError naming the file and the key.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type * as Yaml from 'yaml';
import type { SecurityFile } from './settings-security.js';

export interface ConfigFile extends SecurityFile {
  target?: string;
  format?: 'xml' | 'json' | 'both';
  reportDir?: string;
  grep?: string;
  timeout?: number;
  connectTimeout?: number;
  bodyTimeout?: number;
  evidenceBodyLimit?: number;
  maxResponseBytes?: number;
  fixedPatients?: string[];
  snomedSystem?: string;
  maxConsentsPerPatient?: number;
  secretHeaders?: string[];
}

export class ConfigFileError extends Error {}

const schema = JSON.parse(readFileSync(new URL('./config-file.schema.json', import.meta.url), 'utf8'));
// ajv, its formats and the YAML parser are loaded, and the schema compiled, only when there is a file to read:
// most runs have none.
const load = createRequire(import.meta.url);
let compiled: ValidateFunction<ConfigFile> | undefined;
function validator(): ValidateFunction<ConfigFile> {
  if (!compiled) {
    const ajv = new (load('ajv') as typeof import('ajv')).Ajv({ allErrors: true, strict: true, strictRequired: false });
    (load('ajv-formats') as (a: Ajv) => Ajv)(ajv);
    compiled = ajv.compile<ConfigFile>(schema);
  }
  return compiled;
}

/** The keys the schema knows at a JSON Pointer such as /jwt. */
function knownKeysAt(instancePath: string): string[] {
  let node = schema as { properties?: Record<string, unknown> };
  for (const part of instancePath.split('/').filter(Boolean)) node = (node.properties?.[part] ?? {}) as typeof node;
  return Object.keys(node.properties ?? {});
}

function describeError(error: NonNullable<ValidateFunction['errors']>[number]): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown key "${String(error.params.additionalProperty)}" (known keys: ${knownKeysAt(error.instancePath).join(', ')})`;
  }
  // A key outside a propertyNames enum: ajv reports the enum with the key's name, then a summary without it.
  if (error.propertyName !== undefined && error.keyword === 'enum') {
    return `${where}: key "${error.propertyName}" is not one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
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
  const { parse: parseYaml, YAMLParseError } = load('yaml') as typeof Yaml;
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ConfigFileError(`${file}: not valid YAML or JSON${where}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return {};
  const validate = validator();
  if (!validate(data)) {
    throw new ConfigFileError(`${file}: ${(validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map(describeError).join('; ')}`);
  }
  return data;
}
