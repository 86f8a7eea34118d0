/** Loads scenario files from suites/, each checked against the schema before anything runs. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioFile } from './types.js';
import { SCHEMA_DIR, SUITES_DIR, displayPath } from './paths.js';
import { readYamlData } from './yaml-data.js';

export const SCENARIO_SCHEMA = path.join(SCHEMA_DIR, 'scenario-file.schema.json');
/** Files in suites/ that are not scenario files. */
const NOT_SCENARIOS = new Set(['requirements.yaml']);

export function loadScenarioFile(file: string, text?: string): ScenarioFile {
  const data = readYamlData<Omit<ScenarioFile, 'file'>>(file, SCENARIO_SCHEMA, text);
  return { file: displayPath(file), ...data };
}

export function scenarioFilesIn(dir: string = SUITES_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && !NOT_SCENARIOS.has(name))
    .sort()
    .map((name) => path.join(dir, name));
}

export function loadSuites(dir: string = SUITES_DIR): ScenarioFile[] {
  return scenarioFilesIn(dir).map((file) => loadScenarioFile(file));
}
