/** The requirements catalogue (suites/requirements.yaml): what the guide demands, with stable ids. */
import path from 'node:path';
import type { Level } from './types.js';
import { SCHEMA_DIR, SUITES_DIR } from './paths.js';
import { readYamlData } from './yaml-data.js';

export interface Requirement {
  id: string;
  level: Level;
  actor: 'server' | 'client';
  statement: string;
  source: { page: string; section?: string }[];
  interpretation?: string;
  setting?: string;
  /** Why no HTTP scenario can verify this server duty (coverage exempts it and lists it). */
  untestable?: string;
}

export const REQUIREMENTS_FILE = path.join(SUITES_DIR, 'requirements.yaml');
const REQUIREMENTS_SCHEMA = path.join(SCHEMA_DIR, 'requirements.schema.json');

export function loadRequirements(file: string = REQUIREMENTS_FILE): Requirement[] {
  return readYamlData<{ requirements: Requirement[] }>(file, REQUIREMENTS_SCHEMA).requirements;
}
