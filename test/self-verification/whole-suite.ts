/** Runs every scenario of suites/ in every format against one target, several at a time, as the self-verification needs. */
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { PatientSource, loadSuites, runScenario, selectRuns, type ScenarioResult, type SelectedRun } from '../../src/engine/index.js';
import { sharedValidator } from '../../src/validation/index.js';

// What a default run of the command selects: every scenario in both formats, opt-in suites left out.
const runs = selectRuns(loadSuites(), DEFAULT_SETTINGS);

/** Every run in the suite, as `id [format]`. */
export const SUITE_RUNS: readonly string[] = runs.map((r) => `${r.scenario.id} [${r.format}]`);

/**
 * Scenarios use their own fresh patients, so they can share a target and run side by side; results come
 * back in the suite's order whatever order they finished in.
 */
export async function runWholeSuite(baseUrl: string, concurrency = 8, selected: readonly SelectedRun[] = runs): Promise<ScenarioResult[]> {
  const ctx = { baseUrl, settings: { ...DEFAULT_SETTINGS, bodyTimeoutMs: 5_000 }, patients: new PatientSource(), validator: sharedValidator };
  const results: ScenarioResult[] = new Array(selected.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < selected.length) {
      const i = next++;
      results[i] = await runScenario(selected[i]!.scenario, selected[i]!.format, ctx);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
