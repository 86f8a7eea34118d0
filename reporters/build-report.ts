/**
 * Builds the assurance report (the data every output is rendered from) out of the engine's
 * scenario results and the requirements catalogue. Pure: no I/O, so it is easy to test and
 * every reporter sees the same verdict.
 */
import type { Requirement } from '../src/engine/requirements.js';
import type { ScenarioResult, StepResult, Verdict as EngineVerdict } from '../src/engine/results.js';
import type { Evidence } from '../src/transport/evidence.js';
import type {
  AssuranceReport,
  ReportAssertion,
  ReportRequest,
  ReportResponse,
  ReportRequirement,
  ReportScenario,
  ReportStep,
  RequirementStatus,
  ScenarioStatus,
  StepStatus,
  Verdict,
} from './report-types.js';

/** One scenario × format as the run saw it. */
export interface ScenarioRun {
  result: ScenarioResult;
  suite?: string;
  durationMs?: number;
}

/** How many runs the command selected (after --grep and --format) out of all the suites hold in both formats. */
export interface RunSelection {
  selected: number;
  available: number;
  grep?: string;
}

export interface RunFacts {
  toolVersion: string;
  targetUrl: string;
  embedded: boolean;
  startedAt: Date;
  finishedAt: Date;
  formats: Array<'xml' | 'json'>;
  patients?: string[];
  createdIds?: string[];
  selection?: RunSelection;
  /** Whose requirements the matrix lists: the server's (scenarios) or the client's (a recorded session). */
  mode?: 'server' | 'client';
}

const SCENARIO_STATUS: Record<EngineVerdict, ScenarioStatus> = {
  passed: 'passed',
  warning: 'passed', // a SHOULD/MAY finding never fails a scenario; it shows as a warning inside it
  failed: 'failed',
  error: 'errored',
};

const STEP_STATUS: Record<EngineVerdict, StepStatus> = { passed: 'passed', warning: 'warning', failed: 'failed', error: 'errored' };
const ASSERTION_STATUS = { passed: 'passed', warning: 'warning', failed: 'failed', error: 'errored' } as const;

function evidenceRequest(e: Evidence): ReportRequest {
  return { method: e.request.method, url: e.request.url, headers: e.request.headers, body: e.request.body ?? null };
}

function evidenceResponse(e: Evidence): ReportResponse | null {
  if (!e.response) return null;
  const r = e.response;
  return { status: r.status, headers: r.headers, body: r.body, ...(r.bodyTruncated ? { bodyTruncated: true } : {}) };
}

function reportStep(step: StepResult): ReportStep {
  // A step shows its first exchange in full; parallel steps list every exchange in `exchanges`.
  const [first] = step.evidence;
  const assertions: ReportAssertion[] = step.assertions.map((a) => ({
    name: a.name,
    level: a.level,
    status: ASSERTION_STATUS[a.status],
    message: a.message ?? 'as expected',
  }));
  const out: ReportStep = {
    name: step.name,
    status: STEP_STATUS[step.status],
    assertions,
    durationMs: step.evidence.reduce((sum, e) => Math.max(sum, e.durationMs), 0),
  };
  if (first) {
    out.request = evidenceRequest(first);
    out.response = evidenceResponse(first);
    if (first.error) out.error = `${first.error.code}: ${first.error.message}`;
  }
  if (step.evidence.length > 1) {
    out.exchanges = step.evidence.map((e) => ({
      request: evidenceRequest(e),
      response: evidenceResponse(e),
      durationMs: e.durationMs,
      ...(e.error ? { error: `${e.error.code}: ${e.error.message}` } : {}),
    }));
  }
  if (step.stopReason) out.error = out.error ? `${out.error} — ${step.stopReason}` : step.stopReason;
  return out;
}

function failureMessage(result: ScenarioResult): string | undefined {
  const lines = result.steps.flatMap((s) =>
    s.assertions.filter((a) => a.status === 'failed' || a.status === 'error').map((a) => `${s.name}: ${a.message ?? a.name}`),
  );
  const stops = result.steps.filter((s) => s.stopReason).map((s) => `${s.name}: ${s.stopReason}`);
  const all = [...lines, ...stops];
  return all.length > 0 ? all.join('\n') : undefined;
}

/** One run as the report shows it: built once, whenever the run's result is in hand. */
export function reportScenario(run: ScenarioRun): ReportScenario {
  const r = run.result;
  const scenario: ReportScenario = {
    id: r.id,
    title: r.title,
    format: r.format === 'xml' || r.format === 'json' ? r.format : 'none',
    status: SCENARIO_STATUS[r.status],
    requirements: r.requirements,
    steps: [
      ...r.steps.map(reportStep),
      ...r.skippedSteps.map((name) => ({ name, status: 'skipped' as const, assertions: [] })),
    ],
  };
  if (run.suite) scenario.suite = run.suite;
  if (run.durationMs !== undefined) scenario.durationMs = run.durationMs;
  const message = failureMessage(r);
  if (message) scenario.message = message;
  return scenario;
}

/** A requirement's status: its worst scenario outcome, where warnings count only for what they touch. */
function requirementStatus(requirement: Requirement, runs: ScenarioRun[]): RequirementStatus {
  const verifying = runs.filter((run) => run.result.requirements.includes(requirement.id));
  if (verifying.length === 0) return 'untested';
  const verdicts = verifying.map((run) => run.result.status);
  if (verdicts.includes('failed')) return 'failed';
  if (verdicts.includes('error')) return 'errored';
  if (verdicts.includes('warning')) return 'warning';
  return 'passed';
}

function reportRequirement(requirement: Requirement, runs: ScenarioRun[]): ReportRequirement {
  const scenarios = [...new Set(runs.filter((r) => r.result.requirements.includes(requirement.id)).map((r) => r.result.id))];
  const source = requirement.source.map((s) => (s.section ? `${s.page} §${s.section}` : s.page)).join('; ');
  return { id: requirement.id, level: requirement.level, summary: requirement.statement, source, status: requirementStatus(requirement, runs), scenarios };
}

/**
 * Never a false pass: any MUST failure makes the run non-conformant; otherwise any errored
 * scenario (or no scenario at all) means the target could not be fully tested.
 */
export function verdictOf(scenarios: ReportScenario[]): Verdict {
  if (scenarios.some((s) => s.status === 'failed')) return 'non-conformant';
  const ran = scenarios.filter((s) => s.status !== 'skipped');
  if (ran.length === 0 || ran.some((s) => s.status === 'errored')) return 'error';
  return 'conformant';
}

/** `scenarios`: the runs' reportScenario, in the same order, when they were built as the runs came in. */
export function buildReport(
  runs: ScenarioRun[],
  requirements: Requirement[],
  facts: RunFacts,
  scenarios: ReportScenario[] = runs.map(reportScenario),
): AssuranceReport {
  if (scenarios.length !== runs.length) throw new Error(`${scenarios.length} report scenarios for ${runs.length} runs`);
  const count = (status: ScenarioStatus) => scenarios.filter((s) => s.status === status).length;
  const warnings = scenarios.reduce(
    (n, s) => n + s.steps.reduce((m, st) => m + st.assertions.filter((a) => a.status === 'warning').length, 0),
    0,
  );
  const mode = facts.mode ?? 'server';
  const assured = requirements.filter((r) => r.actor === mode);
  const report: AssuranceReport = {
    tool: { name: 'ndop-assure', version: facts.toolVersion },
    mode,
    target: { url: facts.targetUrl, embedded: facts.embedded },
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    durationMs: facts.finishedAt.getTime() - facts.startedAt.getTime(),
    formats: facts.formats,
    verdict: verdictOf(scenarios),
    summary: {
      total: scenarios.length,
      passed: count('passed'),
      failed: count('failed'),
      errored: count('errored'),
      skipped: count('skipped'),
      warnings,
    },
    requirements: assured.map((r) => reportRequirement(r, runs)),
    scenarios,
  };
  if (facts.patients || facts.createdIds) report.testData = { patients: facts.patients ?? [], createdIds: facts.createdIds ?? [] };
  if (facts.selection) report.selection = { partial: facts.selection.selected < facts.selection.available, ...facts.selection };
  return report;
}
