/**
 * The vitest reporter behind the assurance report: it collects each scenario × format result
 * that the scenario spec attaches to its test's meta, and at the end of the run builds the report
 * and writes it. Each run is turned into its report scenario and HTML as its result arrives (the main
 * thread waits on the worker meanwhile), so the end of the run only puts the report together. A run vitest did not complete (its setup failed, its module did not load, it was skipped)
 * counts as errored, never passed, and never goes missing (unfinished-runs.ts).
 */
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { Requirement } from '../src/engine/requirements.js';
import type { ScenarioResult } from '../src/engine/results.js';
import { buildReport, reportScenario, type RunSelection, type ScenarioRun } from './build-report.js';
import { ScenarioHtml } from './html.js';
import type { AssuranceReport, ReportScenario } from './report-types.js';
import { suiteName, unfinishedRun, unfinishedRuns } from './unfinished-runs.js';
import { writeReports } from './write-reports.js';

export { suiteName } from './unfinished-runs.js';

/** What the scenario spec puts in `task.meta.ndop` for every scenario × format test. */
export interface ScenarioMeta {
  result: ScenarioResult;
  suite: string;
  targetUrl: string;
  embedded: boolean;
  patients: string[];
  createdIds: string[];
}

declare module 'vitest' {
  interface TaskMeta {
    ndop?: ScenarioMeta;
  }
}

export interface AssuranceReporterOptions {
  reportDir: string;
  toolVersion: string;
  requirements: Requirement[];
  formats: Array<'xml' | 'json'>;
  /** Shown when no test reached the target (it never started). */
  targetUrl: string;
  /** How many runs the command selected out of all there are: the report flags a partial run. */
  selection?: RunSelection;
  /** Client assurance mode: the runs are client rules over a recorded session, the matrix the client requirements. */
  mode?: 'server' | 'client';
  onReport?: (report: AssuranceReport, files: { json: string; html: string }) => void;
}

export class AssuranceReporter implements Reporter {
  private runs: ScenarioRun[] = [];
  /** reportScenario of each of `runs`, in the same order. */
  private scenarios: ReportScenario[] = [];
  private html = new ScenarioHtml();
  private startedAt = new Date();
  private target: { url: string; embedded: boolean } | undefined;
  private patients = new Set<string>();
  private createdIds = new Set<string>();
  report: AssuranceReport | undefined;

  constructor(private readonly options: AssuranceReporterOptions) {}

  onTestRunStart(): void {
    this.startedAt = new Date();
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().ndop;
    const state = testCase.result().state;
    // Runs vitest did not complete are collected from their modules at the end, with the modules' errors.
    if (state === 'skipped' || state === 'pending') return;
    if (!meta) {
      const reason = testCase.result().errors?.map((e) => e.message).join('; ') || 'the scenario did not run';
      this.add(unfinishedRun(testCase, reason));
      return;
    }
    this.target ??= { url: meta.targetUrl, embedded: meta.embedded };
    meta.patients.forEach((p) => this.patients.add(p));
    meta.createdIds.forEach((id) => this.createdIds.add(id));
    this.add({ result: meta.result, suite: suiteName(meta.suite), durationMs: testCase.diagnostic()?.duration ?? 0 });
  }

  private add(run: ScenarioRun): void {
    const scenario = reportScenario(run);
    this.runs.push(run);
    this.scenarios.push(scenario);
    this.html.of(scenario);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const module of modules) unfinishedRuns(module).forEach((run) => this.add(run));
    for (const error of unhandledErrors) {
      this.add({
        suite: 'run',
        result: {
          id: 'run-error',
          title: 'The run itself failed',
          format: 'none',
          requirements: [],
          status: 'error',
          steps: [{ name: 'run', status: 'error', assertions: [], evidence: [], stopReason: error.message }],
          skippedSteps: [],
        },
      });
    }
    const report = buildReport(this.runs, this.options.requirements, {
      toolVersion: this.options.toolVersion,
      targetUrl: this.target?.url ?? this.options.targetUrl,
      embedded: this.target?.embedded ?? false,
      startedAt: this.startedAt,
      finishedAt: new Date(),
      formats: this.options.formats,
      patients: [...this.patients],
      createdIds: [...this.createdIds],
      ...(this.options.selection ? { selection: this.options.selection } : {}),
      ...(this.options.mode ? { mode: this.options.mode } : {}),
    }, this.scenarios);
    const files = writeReports(report, this.options.reportDir, this.html);
    this.report = report;
    this.options.onReport?.(report, files);
  }
}
