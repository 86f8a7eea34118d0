/**
 * The assurance report as data: the shape of assurance-report.json, which every other output
 * (HTML, JUnit, console summary) is rendered from. reporters/schema/assurance-report.schema.json
 * is the contract; these types mirror it.
 */

export type Level = 'MUST' | 'SHALL' | 'SHOULD' | 'MAY';
export type Verdict = 'conformant' | 'non-conformant' | 'error';
export type ScenarioStatus = 'passed' | 'failed' | 'errored' | 'skipped';
export type StepStatus = 'passed' | 'failed' | 'errored' | 'warning' | 'skipped';
export type AssertionStatus = 'passed' | 'failed' | 'warning' | 'errored';
export type RequirementStatus = 'passed' | 'failed' | 'warning' | 'errored' | 'untested' | 'skipped';

export interface ReportAssertion {
  name: string;
  level: Level;
  status: AssertionStatus;
  message: string;
}

export interface ReportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | null;
  bodyTruncated?: boolean;
}

export interface ReportResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | null;
  bodyTruncated?: boolean;
}

export interface ReportExchange {
  request: ReportRequest;
  response: ReportResponse | null;
  error?: string;
  durationMs: number;
}

export interface ReportStep {
  name: string;
  status?: StepStatus;
  /** The step's (first) exchange, shown in full. */
  request?: ReportRequest;
  response?: ReportResponse | null;
  /** Every exchange of a step that sent several requests (parallel steps). */
  exchanges?: ReportExchange[];
  error?: string;
  durationMs?: number;
  assertions: ReportAssertion[];
}

export interface ReportScenario {
  id: string;
  title: string;
  suite?: string;
  format: 'xml' | 'json' | 'none';
  status: ScenarioStatus;
  requirements: string[];
  durationMs?: number;
  message?: string;
  steps: ReportStep[];
}

export interface ReportRequirement {
  id: string;
  level: Level;
  summary?: string;
  source?: string;
  status: RequirementStatus;
  scenarios: string[];
}

export interface ReportSummary {
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  warnings: number;
}

/** Which runs this report covers: a partial run (--grep, a narrower --format) says so. */
export interface ReportSelection {
  /** true when fewer runs were selected than the suites hold in both formats. */
  partial: boolean;
  /** Scenario × format runs the command selected. */
  selected: number;
  /** Scenario × format runs the suites hold in both formats. */
  available: number;
  grep?: string;
}

export interface AssuranceReport {
  tool: { name: 'ndop-assure'; version: string };
  /** What was assured: a server (the scenarios, the default) or a client (a recorded session, `ndop-assure client`). */
  mode?: 'server' | 'client';
  target: { url: string; embedded?: boolean };
  startedAt: string;
  finishedAt: string;
  durationMs?: number;
  formats?: Array<'xml' | 'json'>;
  verdict: Verdict;
  summary: ReportSummary;
  testData?: { patients?: string[]; createdIds?: string[] };
  selection?: ReportSelection;
  requirements: ReportRequirement[];
  scenarios: ReportScenario[];
}
