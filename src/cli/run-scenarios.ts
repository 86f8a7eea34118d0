/**
 * Runs the scenario spec through vitest with the run's reporters: console progress, the
 * assurance report (JSON + HTML), JUnit and Allure, all from the same run.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle, isWritableDir } from '../build/cached-bundle.js';
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
// What the spec runs (engine, validator, reference server), handed to it as one bundle.
const SPEC_RUNTIME = 'suites/scenario-runtime.ts';

export function toolVersion(): string {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
}

export interface RunOutcome {
  report: AssuranceReport;
  files: { json: string; html: string; junit: string; allure: string };
}

export async function runScenarios(options: RunOptions, selection?: RunSelection): Promise<RunOutcome> {
  // Workers read their settings from the environment, exactly as `vitest` run by hand would.
  Object.assign(process.env, settingsToEnv(options.settings));
  return runSpec({
    spec: SPEC,
    runtime: SPEC_RUNTIME,
    reportDir: options.reportDir,
    formats: options.settings.formats,
    targetLabel: options.settings.targetUrl ?? 'embedded reference server',
    timeoutMs: options.settings.connectTimeoutMs + options.settings.bodyTimeoutMs * 4 + 5_000,
    ...(selection ? { selection } : {}),
  });
}

export interface SpecRun {
  /** The vitest spec, relative to the project root. */
  spec: string;
  /** A module the spec loads as a script bundle when vitest provides its URL as ndopScenarioRuntime. */
  runtime?: string;
  reportDir: string;
  formats: Array<'xml' | 'json'>;
  /** Shown as the target when no test names one. */
  targetLabel: string;
  timeoutMs: number;
  selection?: RunSelection;
  mode?: 'server' | 'client';
}

/**
 * Allure's results are one file per test and attachment: those of an earlier run in the same directory would show
 * up in this run's Allure report (the other three outputs are overwritten). They are moved aside at once and
 * deleted while the run goes on (some 330 files: ~50 ms).
 */
function setAsideEarlierResults(dir: string): Promise<void> {
  if (!existsSync(dir)) return Promise.resolve();
  const aside = `${dir}.earlier-${process.pid}-${Date.now()}`;
  try {
    renameSync(dir, aside);
  } catch {
    // Not movable (permissions, say): deleted in place before the run writes any.
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  }
  // Left behind if it cannot be deleted: it is no longer where Allure looks, and the run's own results are whole.
  return rm(aside, { recursive: true, force: true }).catch(() => undefined);
}

/** Runs one spec through vitest with the four reporters; the assurance report is the outcome. */
export async function runSpec(run: SpecRun): Promise<RunOutcome> {
  const reportDir = resolve(run.reportDir);
  const files = {
    json: join(reportDir, REPORT_FILES.json),
    html: join(reportDir, REPORT_FILES.html),
    junit: join(reportDir, REPORT_FILES.junit),
    allure: join(reportDir, REPORT_FILES.allure),
  };
  const assurance = new AssuranceReporter({
    reportDir,
    toolVersion: toolVersion(),
    requirements: loadRequirements(),
    formats: run.formats,
    targetUrl: run.targetLabel,
    ...(run.selection ? { selection: run.selection } : {}),
    ...(run.mode ? { mode: run.mode } : {}),
  });
  const earlierAllure = setAsideEarlierResults(files.allure);
  // ajv stays in node_modules: the validator's keywords write code with its codegen classes, and the ajv that
  // compiles profiles when the validator cache misses (required at that moment) must know them as its own.
  const runtime = run.runtime ? await cachedBundle(PROJECT_ROOT, run.runtime, { kind: 'script', external: ['ajv'] }) : undefined;
  // Loaded only by runs that start tests: --list, --help and refused runs do without it.
  const { createVitest } = await import('vitest/node');
  const { AllureOffThread } = await import('../../reporters/allure-off-thread.js');
  const vitest = await createVitest(
    'test',
    {
      root: PROJECT_ROOT,
      config: false,
      watch: false,
      include: [run.spec],
      setupFiles: ['allure-vitest/setup'],
      reporters: [
        new ConsoleProgressReporter(),
        assurance,
        ['junit', { outputFile: files.junit, suiteName: 'ndop-assure' }],
        // allure-vitest's reporter, writing (and fsyncing) each test's results in a thread of its own as it finishes.
        new AllureOffThread({ resultsDir: files.allure }),
      ],
      testTimeout: run.timeoutMs,
      hookTimeout: run.timeoutMs,
      // Transformed modules are kept in node_modules/.experimental-vitest-cache between runs (invalidated by content
      // and lockfile); not on a read-only install, where vitest would fail to write them.
      experimental: { fsModuleCache: isWritableDir(join(PROJECT_ROOT, 'node_modules')) },
      // One spec file runs in one worker: a thread starts sooner than a child process and shares this one's environment.
      pool: 'threads',
      // Without a bundle (no esbuild, no writable cache) the spec imports the runtime from the sources.
      provide: runtime ? { ndopScenarioRuntime: runtime.url } : {},
    },
    {},
    { stdout: process.stdout, stderr: process.stderr },
  );
  try {
    await vitest.start([run.spec]);
  } finally {
    await vitest.close();
    await earlierAllure;
  }
  if (!assurance.report) throw new Error('the run ended without an assurance report');
  return { report: assurance.report, files };
}
