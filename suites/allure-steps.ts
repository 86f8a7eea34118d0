/**
 * Runs each engine step as an Allure step (with its exchanges attached) when allure-vitest is configured
 * (setupFiles: ['allure-vitest/setup'] and its reporter, as the ndop-assure command does). Without it the
 * step simply runs, so plain `vitest run` prints no "no test runtime" warnings.
 */
import { attachment, step } from 'allure-js-commons';
import { getGlobalTestRuntime } from 'allure-js-commons/sdk/runtime';
import type { StepResult } from '../src/engine/index.js';

/** Marks the Allure step failed or broken; caught here, never seen by vitest (the engine's verdict decides the test). */
class StepVerdict extends Error {}

function allureActive(): boolean {
  return getGlobalTestRuntime().constructor.name !== 'NoopTestRuntime';
}

export async function allureStep(name: string, body: () => Promise<StepResult>): Promise<void> {
  if (!allureActive()) {
    await body();
    return;
  }
  try {
    await step(name, async () => {
      const result = await body();
      for (const [i, e] of result.evidence.entries()) {
        await attachment(`exchange ${i + 1}: ${e.request.method} ${e.request.url}`, JSON.stringify(e, null, 2), 'application/json');
      }
      const problems = result.assertions.filter((a) => a.status === 'failed' || a.status === 'error');
      if (problems.length > 0) throw new StepVerdict(problems.map((a) => `[${a.level} ${a.status}] ${a.message}`).join('\n'));
    });
  } catch (err) {
    if (!(err instanceof StepVerdict)) throw err;
  }
}
