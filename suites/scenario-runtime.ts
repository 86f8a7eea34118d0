/**
 * Everything the scenario spec runs, in one module. The ndop-assure command hands the spec this module compiled
 * into one script with its packages (src/build/cached-bundle.js), which the worker runs at once from V8's code
 * cache (src/build/script-bundle.ts) instead of importing ~100 modules one by one through vitest's module runner;
 * `vitest run suites/` imports it from the sources. The engine, the validator
 * and the embedded reference server share state (sharedValidator), so the spec takes all of them from here.
 */
export { settingsFromEnv } from '../src/config/settings.js';
export { PatientSource, openTarget, runScenarioDetailed, selectRuns, type Target } from '../src/engine/index.js';
export { loadCheckedSuites } from '../src/engine/checked-suites.js';
export { writeRefusal } from '../src/engine/write-safety.js';
export { sharedValidator } from '../src/validation/index.js';
export { allureStep } from './allure-steps.js';
