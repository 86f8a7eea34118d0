/**
 * The NDOP suites as vitest tests: one test per scenario × format, named "<id> [<format>]".
 * Target: NDOP_TARGET_URL, or the embedded reference server on an ephemeral port.
 * task.meta.ndop (ScenarioMeta, reporters/vitest-assurance.ts) carries the engine's ScenarioResult: requirement ids,
 * verdict, every assertion with its level (warnings included) and the evidence of every exchange.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { loadScriptBundle } from '../src/build/script-bundle.js';
import type * as ScenarioRuntime from './scenario-runtime.js';
// Declares task.meta.ndop (the reporters' side of the contract).
import type { ScenarioMeta } from '../reporters/vitest-assurance.js';

// The command provides its bundle of the runtime (one script, compiled with V8's code cache); by hand it comes from the sources.
const bundledRuntime = inject('ndopScenarioRuntime');
const bundle = bundledRuntime ? loadScriptBundle<typeof ScenarioRuntime>(bundledRuntime) : undefined;
const runtime = bundle?.exports ?? (await import('./scenario-runtime.js'));
const { PatientSource, allureStep, loadCheckedSuites, openTarget, runScenarioDetailed, selectRuns, settingsFromEnv, sharedValidator, writeRefusal } = runtime;

const settings = settingsFromEnv();
const files = loadCheckedSuites();

let target: ScenarioRuntime.Target;
const patients = new PatientSource({ fixed: settings.fixedPatients });

const runs = selectRuns(files, settings, settings.grep);
// How much of the runtime's code this run used, for its code cache: runs that reached a verdict against the
// embedded server (one against another target leaves the server's code out, so it counts for nothing).
let codeCacheWork = 0;

beforeAll(async () => {
  // Run by hand (`vitest run suites/`) the same guard holds as in the command: no writes to a remote target unless allowed.
  const refusal = writeRefusal(runs, settings);
  if (refusal) throw new Error(refusal);
  target = await openTarget(settings.targetUrl, settings);
});
afterAll(async () => {
  await target?.close();
  // Now that every scenario has run, the cache holds the code they needed.
  bundle?.saveCodeCache(codeCacheWork);
});

for (const file of files) {
  const inFile = runs.filter((run) => run.file === file);
  if (inFile.length === 0) continue;
  describe(file.file, () => {
    for (const { scenario, format, name } of inFile) {
      test(name, async ({ task }) => {
        const { result, patients: used, createdIds } = await runScenarioDetailed(scenario, format, {
          baseUrl: target.url,
          settings,
          patients,
          persistentTarget: !target.embedded,
          validator: sharedValidator,
          stepWrapper: allureStep,
        });
        if (target.embedded && result.status !== 'error') codeCacheWork++;
        const assertions = result.steps.flatMap((s) => s.assertions.map((a) => ({ step: s.name, ...a })));
        const meta: ScenarioMeta = { result, suite: file.file, targetUrl: target.url, embedded: target.embedded, patients: used, createdIds };
        task.meta.ndop = meta;
        const blocking = assertions.filter((a) => a.status === 'failed' || a.status === 'error');
        const stops = result.steps.flatMap((s) => (s.stopReason ? [s.stopReason] : []));
        const problems = [...blocking.map((a) => `${a.step}: [${a.status}] ${a.message}`), ...stops];
        // One readable message (it becomes the JUnit failure text): what was expected, what came back.
        if (problems.length > 0) expect.fail(`${name}: ${scenario.title}\n${problems.join('\n')}`);
      });
    }
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The file URL of scenario-runtime.ts bundled as a script (src/cli/run-scenarios.ts). */
    ndopScenarioRuntime?: string;
  }
}
