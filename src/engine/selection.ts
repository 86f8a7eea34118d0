/**
 * Which scenario × format runs a run makes: every scenario in each of its formats, narrowed by
 * --grep (a regular expression tried on "<id> [<format>]" and on the title). The command's --list
 * and the vitest spec both use this, so what is listed is exactly what runs.
 */
import { basename } from 'node:path';
import type { Format } from '../fhir/index.js';
import type { EngineSettings } from '../config/settings.js';
import { formatsFor } from './formats.js';
import type { Scenario, ScenarioFile } from './types.js';

export interface SelectedRun {
  file: ScenarioFile;
  scenario: Scenario;
  format: Format;
  /** The test's name: "<id> [<format>]". */
  name: string;
}

/** A --opt-in name that names no opt-in suite. */
export class OptInError extends Error {}

/** A file's suite name: suites/security.yaml → security. */
export function suiteOf(file: ScenarioFile): string {
  return basename(file.file).replace(/\.ya?ml$/, '');
}

/**
 * Opt-in suites (a file with `optIn: true`) run only when the run names them (--opt-in, NDOP_OPT_IN, optIn);
 * a name that is not an opt-in suite is an OptInError, so a typo never silently runs nothing.
 */
function optedIn(files: readonly ScenarioFile[], settings: EngineSettings): Set<ScenarioFile> {
  const optIn = files.filter((f) => f.optIn);
  const known = optIn.map(suiteOf);
  for (const name of settings.optIn) {
    if (!known.includes(name)) throw new OptInError(`--opt-in: "${name}" is not an opt-in suite (opt-in suites: ${known.join(', ') || 'none'})`);
  }
  return new Set(optIn.filter((f) => settings.optIn.includes(suiteOf(f))));
}

/** Opt-in suites this run leaves out, by name (for --list to say how to include them). */
export function optInSuitesLeftOut(files: readonly ScenarioFile[], settings: EngineSettings): string[] {
  return files.filter((f) => f.optIn && !settings.optIn.includes(suiteOf(f))).map(suiteOf);
}

export function selectRuns(files: readonly ScenarioFile[], settings: EngineSettings, grep?: string): SelectedRun[] {
  const pattern = grep ? new RegExp(grep) : undefined;
  const included = optedIn(files, settings);
  const runs: SelectedRun[] = [];
  for (const file of files) {
    if (file.optIn && !included.has(file)) continue;
    for (const scenario of file.scenarios) {
      for (const format of formatsFor(scenario, settings)) {
        const name = `${scenario.id} [${format}]`;
        if (!pattern || pattern.test(name) || pattern.test(scenario.title)) runs.push({ file, scenario, format, name });
      }
    }
  }
  return runs;
}
