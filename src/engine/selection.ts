/**
 * Which scenario × format runs a run makes: every scenario in each of its formats, narrowed by
 * --grep (a regular expression tried on "<id> [<format>]" and on the title). The command's --list
 * and the vitest spec both use this, so what is listed is exactly what runs.
 */
import type { Format } from '../fhir/index.js';
import type { EngineSettings } from '../config/settings.js';
import { formatsFor } from './runner.js';
import type { Scenario, ScenarioFile } from './types.js';

export interface SelectedRun {
  file: ScenarioFile;
  scenario: Scenario;
  format: Format;
  /** The test's name: "<id> [<format>]". */
  name: string;
}

export function selectRuns(files: readonly ScenarioFile[], settings: EngineSettings, grep?: string): SelectedRun[] {
  const pattern = grep ? new RegExp(grep) : undefined;
  const runs: SelectedRun[] = [];
  for (const file of files) {
    for (const scenario of file.scenarios) {
      for (const format of formatsFor(scenario, settings)) {
        const name = `${scenario.id} [${format}]`;
        if (!pattern || pattern.test(name) || pattern.test(scenario.title)) runs.push({ file, scenario, format, name });
      }
    }
  }
  return runs;
}
