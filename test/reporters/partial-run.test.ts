/** A filtered run says so: in the JSON report, the HTML banner and the console summary. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildReport, type RunFacts } from '../../reporters/build-report.js';
import { renderHtmlReport } from '../../reporters/html.js';
import { summaryText } from '../../src/cli/summary.js';
import type { ScenarioResult } from '../../src/engine/results.js';

const schema = JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
const validateReport = ajv.compile(schema);

const passed: ScenarioResult = { id: 'create-a', title: 't', format: 'json', requirements: [], status: 'passed', steps: [], skippedSteps: [] };
const at = new Date('2026-11-23T08:00:00Z');
const facts = (more: Partial<RunFacts>): RunFacts =>
  ({ toolVersion: '0.1.0', targetUrl: 'http://127.0.0.1:1', embedded: false, startedAt: at, finishedAt: at, formats: ['json'], ...more });

describe('a partial run', () => {
  const report = buildReport([{ result: passed }], [], facts({ selection: { selected: 1, available: 102, grep: '^create-a' } }));

  it('is recorded in the JSON report, valid against the schema', () => {
    expect(report.selection).toEqual({ partial: true, selected: 1, available: 102, grep: '^create-a' });
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  });

  it('is flagged in the HTML banner and the console summary, with what narrowed it', () => {
    const note = 'partial run: 1 of 102 runs selected (--grep "^create-a", formats json)';
    expect(renderHtmlReport(report)).toMatch(
      /<header class="banner conformant"[^>]*>[\s\S]*<div class="partial" data-testid="partial-run">Partial run: 1 of 102 runs selected \(--grep &#34;\^create-a&#34;, formats json\): the verdict covers only these runs<\/div>\s*<\/header>/);
    expect(summaryText(report, {}).split('\n')).toContain(note);
  });

  it('a narrower --format alone makes a run partial', () => {
    const formatOnly = buildReport([{ result: passed }], [], facts({ selection: { selected: 51, available: 102 } }));
    expect(summaryText(formatOnly, {})).toContain('partial run: 51 of 102 runs selected (formats json)\n');
  });

  it('a full run carries no flag', () => {
    const full = buildReport([{ result: passed }], [], facts({ formats: ['xml', 'json'], selection: { selected: 102, available: 102 } }));
    expect(full.selection?.partial).toBe(false);
    expect(renderHtmlReport(full)).not.toContain('data-testid="partial-run"');
    expect(summaryText(full, {})).not.toContain('partial run');
  });
});
