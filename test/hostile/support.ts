/** What the hostile-target tests share: the expected classifications, the report schema, short timeouts. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { resolveRunOptions } from '../../src/config/run-options.js';
import type { EngineSettings } from '../../src/config/settings.js';
import type { HostileMode } from './hostile-target.js';

export interface Expected {
  /** "<id> [<format>]" of the scenario runs that meet the behaviour. */
  runs: string[];
  verdict: 'error' | 'failed';
  message: string;
}

export const EXPECTED = (parse(readFileSync(new URL('./expected.yaml', import.meta.url), 'utf8')) as { modes: Record<HostileMode, Expected> }).modes;

/** The short limits of hostile.yaml, read as the command reads a --config file. */
export const HOSTILE_CONFIG = fileURLToPath(new URL('./hostile.yaml', import.meta.url));
export const HOSTILE_SETTINGS: EngineSettings = resolveRunOptions({ config: HOSTILE_CONFIG }, {}).settings;

/** Generous beside the limits above (one exchange ends within 1 s), so a hang fails the test, not a slow machine. */
export const RUN_BUDGET_MS = 15_000;

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
export const validateReport = ajv.compile(JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8')));

/** Collects unhandled promise rejections while a test file runs. */
export function watchUnhandledRejections(): { seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  return { seen, stop: () => process.off('unhandledRejection', listener) };
}
