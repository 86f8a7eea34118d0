/**
 * The assurance reporter builds and renders each scenario as its result arrives, and at the end of the run only
 * puts the report together: what it writes must be, byte for byte, the report built and rendered all at once
 * from the same runs. The runs are a fixture: real runs of each suite in both formats (a parallel step cut to
 * three exchanges) and made-up ones with awkward bodies, a failure, warnings and an error.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestCase } from 'vitest/node';
import { buildReport, type RunFacts, type ScenarioRun } from '../../reporters/build-report.js';
import { prettyBody, prettyBodyOnce } from '../../reporters/evidence-format.js';
import { renderHtmlReport, ScenarioHtml } from '../../reporters/html.js';
import { AssuranceReporter, type ScenarioMeta } from '../../reporters/vitest-assurance.js';
import { writeReports } from '../../reporters/write-reports.js';
import { loadRequirements } from '../../src/engine/requirements.js';

interface Fixture {
  facts: Omit<RunFacts, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string };
  runs: Array<Required<ScenarioRun>>;
}
const fixture: Fixture = JSON.parse(readFileSync(new URL('./fixtures/scenario-runs.json', import.meta.url), 'utf8'));
const selection = { selected: fixture.runs.length, available: 104 };
const facts: RunFacts = {
  ...fixture.facts,
  startedAt: new Date(fixture.facts.startedAt),
  finishedAt: new Date(fixture.facts.finishedAt),
  selection,
};
const requirements = loadRequirements();

/** A finished test as vitest hands it to a reporter: only what the assurance reporter reads. */
function finishedTest(run: Required<ScenarioRun>, first: boolean): TestCase {
  const ndop: ScenarioMeta = {
    result: run.result,
    suite: `suites/${run.suite}.yaml`,
    targetUrl: facts.targetUrl,
    embedded: facts.embedded,
    // The run's test data, as the first test would have reported it.
    patients: first ? (facts.patients ?? []) : [],
    createdIds: first ? (facts.createdIds ?? []) : [],
  };
  const state = run.result.status === 'failed' || run.result.status === 'error' ? 'failed' : 'passed';
  return {
    meta: () => ({ ndop }),
    result: () => ({ state, errors: [] }),
    diagnostic: () => ({ duration: run.durationMs }),
  } as unknown as TestCase;
}

function read(files: { json: string; html: string }): { json: string; html: string } {
  return { json: readFileSync(files.json, 'utf8'), html: readFileSync(files.html, 'utf8') };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('assurance report rendered as the results arrive', () => {
  it('writes exactly the report built and rendered all at once from the same runs', () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'ndop-incremental-'));
    let written: { json: string; html: string } | undefined;
    const reporter = new AssuranceReporter({
      reportDir,
      toolVersion: facts.toolVersion,
      requirements,
      formats: facts.formats,
      targetUrl: 'unused: the tests name the target',
      selection,
      onReport: (_report, files) => {
        written = read(files);
      },
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(facts.startedAt);
    reporter.onTestRunStart();
    fixture.runs.forEach((run, i) => reporter.onTestCaseResult(finishedTest(run, i === 0)));
    vi.setSystemTime(facts.finishedAt);
    reporter.onTestRunEnd([], []);

    const atOnce = read(writeReports(buildReport(fixture.runs, requirements, facts), mkdtempSync(join(tmpdir(), 'ndop-at-once-'))));
    expect(written?.json).toBe(atOnce.json);
    expect(written?.html).toBe(atOnce.html);
    // Both hold the evidence, pretty-printed: the comparison is not between two empty reports.
    expect(atOnce.html).toContain('&#60;Consent xmlns=&#34;http://hl7.org/fhir&#34;&#62;\n  &#60;id value=');
    expect(atOnce.html.match(/<details class="scenario /g)).toHaveLength(fixture.runs.length);
    expect(JSON.parse(atOnce.json).scenarios).toHaveLength(fixture.runs.length);
  });

  it('renders a report whose scenarios were rendered beforehand exactly as one rendered from nothing', () => {
    const report = buildReport(fixture.runs, requirements, facts);
    const rendered = new ScenarioHtml();
    // In arrival order, as a reporter would: the report lists them in another (failures first, by suite).
    for (const scenario of report.scenarios) rendered.of(scenario);
    expect(renderHtmlReport(report, rendered)).toBe(renderHtmlReport(report));
  });
});

describe('pretty-printing each distinct body once', () => {
  const bodies = fixture.runs.flatMap((run) =>
    run.result.steps.flatMap((step) =>
      step.evidence.flatMap((e) => [
        [e.request.body, e.request.headers] as const,
        ...(e.response ? [[e.response.body, e.response.headers] as const] : []),
      ]),
    ),
  );

  it('gives what prettyBody gives, the first time and every time after', () => {
    const once = prettyBodyOnce();
    for (let round = 0; round < 2; round++) {
      for (const [body, headers] of bodies) expect(once(body, headers)).toBe(prettyBody(body, headers));
    }
  });

  it('keeps apart the same text sent as different types', () => {
    const once = prettyBodyOnce();
    const text = '<a><b/></a>';
    expect(once(text, { 'Content-Type': 'application/json' })).toBe(text);
    expect(once(text, { 'Content-Type': 'application/xml' })).toBe('<a>\n  <b/>\n</a>');
    expect(once(text, { 'Content-Type': 'application/json' })).toBe(text);
  });
});
