/**
 * Records engine steps as Allure steps when allure-vitest is configured (setupFiles + reporter); without it the
 * calls are skipped, so plain `vitest run` prints no "no test runtime" warnings.
 */
import { logStep, attachment } from 'allure-js-commons';
import { getGlobalTestRuntime } from 'allure-js-commons/sdk/runtime';
import { Status } from 'allure-js-commons';
import type { StepResult } from '../src/engine/index.js';

function allureActive(): boolean {
  return getGlobalTestRuntime().constructor.name !== 'NoopTestRuntime';
}

const STATUS: Record<StepResult['status'], Status> = {
  passed: Status.PASSED,
  warning: Status.PASSED,
  failed: Status.FAILED,
  error: Status.BROKEN,
};

export async function recordAllureStep(result: StepResult): Promise<void> {
  if (!allureActive()) return;
  const messages = result.assertions.filter((a) => a.message && a.status !== 'passed').map((a) => `[${a.level} ${a.status}] ${a.message}`);
  await logStep(result.name, STATUS[result.status], messages.length ? new Error(messages.join('\n')) : undefined);
  for (const [i, e] of result.evidence.entries()) {
    await attachment(`${result.name} - exchange ${i + 1}`, JSON.stringify(e, null, 2), 'application/json');
  }
}
