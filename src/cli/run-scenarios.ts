/**
 * Runs the scenario spec through vitest with the run's reporters: console progress, the
 * assurance report (JSON + HTML), JUnit and Allure, all from the same run.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import type { RunOptions } from '../config/run-options.js';
import { settingsToEnv } from '../config/settings-env.js';
import { loadRequirements } from '../engine/requirements.js';
import { ConsoleProgressReporter } from '../../reporters/console-progress.js';
import type { RunSelection } from '../../reporters/build-report.js';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { AssuranceReporter } from '../../reporters/vitest-assurance.js';
import { REPORT_FILES } from '../../reporters/write-reports.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = 'suites/scenarios.test.ts';

export function toolVersion(): string {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
}

export interface RunOutcome {
  report: AssuranceReport;
  files: { json: string; html: string; junit: string; allure: string };
}

export async function runScenarios(options: RunOptions, selection?: RunSelection): Promise<RunOutcome> {
  const reportDir = resolve(options.reportDir);
  const files = {
    json: join(reportDir, REPORT_FILES.json),
    html: join(reportDir, REPORT_FILES.html),
    junit: join(reportDir, REPORT_FILES.junit),
    allure: join(reportDir, REPORT_FILES.allure),
  };
  // Workers read their settings from the environment, exactly as `vitest` run by hand would.
  Object.assign(process.env, settingsToEnv(options.settings));
  const assurance = new AssuranceReporter({
    reportDir,
    toolVersion: toolVersion(),
    requirements: loadRequirements(),
    formats: options.settings.formats,
    targetUrl: options.settings.targetUrl ?? 'embedded reference server',
    ...(selection ? { selection } : {}),
  });
  const timeout = options.settings.connectTimeoutMs + options.settings.bodyTimeoutMs * 4 + 5_000;
  const vitest = await createVitest(
    'test',
    {
      root: PROJECT_ROOT,
      config: false,
      watch: false,
      include: [SPEC],
      setupFiles: ['allure-vitest/setup'],
      reporters: [
        new ConsoleProgressReporter(),
        assurance,
        ['junit', { outputFile: files.junit, suiteName: 'ndop-assure' }],
        ['allure-vitest/reporter', { resultsDir: files.allure }],
      ],
      testTimeout: timeout,
      hookTimeout: timeout,
    },
    {},
    { stdout: process.stdout, stderr: process.stderr },
  );
  try {
    await vitest.start([SPEC]);
  } finally {
    await vitest.close();
  }
  if (!assurance.report) throw new Error('the run ended without an assurance report');
  return { report: assurance.report, files };
}
