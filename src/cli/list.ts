/** `--list`: what a run would do, without running it: the scenario runs and the requirements they verify. */
import type { EngineSettings } from '../config/settings.js';
import { loadCheckedSuites } from '../engine/checked-suites.js';
import { loadRequirements } from '../engine/requirements.js';
import { optInSuitesLeftOut, selectRuns, type SelectedRun } from '../engine/selection.js';

export { ScenarioDataError } from '../engine/checked-suites.js';

/**
 * The runs this configuration selects, from scenario files that passed their schema and lint:
 * a malformed file is a ScenarioDataError naming file, path and reason, before anything runs.
 */
export function selectedRuns(settings: EngineSettings): SelectedRun[] {
  return runSelection(settings).runs;
}

/** The selected runs, and how many the suites hold in both formats with no --grep: fewer selected is a partial run. */
export function runSelection(settings: EngineSettings): { runs: SelectedRun[]; available: number } {
  const files = loadCheckedSuites();
  return {
    runs: selectRuns(files, settings, settings.grep),
    available: selectRuns(files, { ...settings, formats: ['xml', 'json'] }).length,
  };
}

export function listScenarios(settings: EngineSettings): string {
  const runs = selectedRuns(settings);
  const lines: string[] = [];
  const verified = new Set<string>();
  let file = '';
  for (const { scenario, file: f } of runs) {
    if (f.file !== file) lines.push((file = f.file));
    scenario.requirements.forEach((r) => verified.add(r));
    const formats = runs.filter((r) => r.scenario === scenario).map((r) => r.format);
    const line = `  ${scenario.id} [${formats.join(', ')}]  ${scenario.title}  (${scenario.requirements.join(', ')})`;
    if (lines[lines.length - 1] !== line) lines.push(line);
  }
  lines.push('', 'Requirements (server):');
  for (const r of loadRequirements().filter((req) => req.actor === 'server')) {
    lines.push(`  ${r.id} ${r.level.padEnd(6)} ${verified.has(r.id) ? 'tested  ' : 'untested'} ${r.statement}`);
  }
  lines.push('', `${runs.length} scenario runs`);
  const leftOut = optInSuitesLeftOut(loadCheckedSuites(), settings);
  if (leftOut.length > 0) lines.push(`opt-in suites not included: ${leftOut.join(', ')} (add them with --opt-in ${leftOut.join(',')})`);
  return lines.join('\n');
}
