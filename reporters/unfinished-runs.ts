/**
 * Scenario runs vitest did not complete, as errored runs with the reason: a test that ended without a
 * result, a scenario module that failed to load, tests skipped because a hook failed (or for any reason:
 * every selected run is meant to run), tests still pending when the run ended. Nothing selected goes
 * missing from the report silently.
 */
import type { TestCase, TestModule } from 'vitest/node';
import type { ScenarioRun } from './build-report.js';

/** suites/create.yaml → create: the name a reader knows the group by. */
export function suiteName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.ya?ml$/, '');
}

function errorRun(run: { id: string; title: string; format: string; suite: string }, stepName: string, reason: string): ScenarioRun {
  return {
    suite: run.suite,
    result: {
      id: run.id,
      title: run.title,
      format: run.format,
      requirements: [],
      status: 'error',
      steps: [{ name: stepName, status: 'error', assertions: [], evidence: [], stopReason: reason }],
      skippedSteps: [],
    },
  };
}

/** A scenario × format test ("<id> [<format>]") that produced no scenario result. */
export function unfinishedRun(testCase: TestCase, reason: string): ScenarioRun {
  const match = /^(.*) \[(xml|json)\]$/.exec(testCase.name);
  const suite = testCase.parent.type === 'suite' ? suiteName(testCase.parent.name) : 'not run';
  return errorRun({ id: match?.[1] ?? testCase.name, title: testCase.name, format: match?.[2] ?? 'none', suite }, 'set up the scenario', reason);
}

/** Errors vitest recorded on the suites around a test and on its module: where a failing hook shows. */
function errorsAround(testCase: TestCase): string[] {
  const messages: string[] = [];
  for (let at: TestCase['parent'] = testCase.parent; ; at = at.parent) {
    messages.push(...at.errors().map((e) => e.message));
    if (at.type === 'module') return messages;
  }
}

function notRunReason(testCase: TestCase): string {
  const what = testCase.result().state === 'pending' ? 'vitest did not finish this run' : 'vitest skipped this run';
  const errors = errorsAround(testCase);
  return errors.length > 0 ? `${what}; the scenario module reported: ${errors.join('; ')}` : `${what} (it gave no reason)`;
}

/** The runs of one module that vitest did not complete, and any module error no test carries. */
export function unfinishedRuns(module: TestModule): ScenarioRun[] {
  const tests = [...module.children.allTests()];
  const moduleErrors = module.errors().map((e) => e.message).join('; ');
  const moduleRun = { id: module.relativeModuleId, format: 'none', suite: 'run' };
  if (tests.length === 0) {
    if (!moduleErrors) return [];
    return [errorRun({ ...moduleRun, title: 'The scenario module could not be loaded' }, 'load the scenario module',
      `${module.relativeModuleId} failed to load, so none of its scenarios ran: ${moduleErrors}`)];
  }
  const notRun = tests.filter((t) => t.result().state === 'skipped' || t.result().state === 'pending');
  const runs = notRun.map((t) => unfinishedRun(t, notRunReason(t)));
  // Every test ran but the module still failed (an afterAll hook): the run is not clean, so it says so.
  if (notRun.length === 0 && moduleErrors) {
    runs.push(errorRun({ ...moduleRun, title: 'The scenario module reported an error' }, 'finish the scenario module', moduleErrors));
  }
  return runs;
}
