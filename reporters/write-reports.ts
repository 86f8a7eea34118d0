/** Writes the report files (JSON and HTML) into the report directory; the JUnit and Allure files come from their own vitest reporters. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtmlReport, ScenarioHtml } from './html.js';
import type { AssuranceReport } from './report-types.js';

export const REPORT_FILES = {
  json: 'assurance-report.json',
  html: 'assurance-report.html',
  junit: 'junit.xml',
  allure: 'allure-results',
} as const;

/** `scenarioHtml`: the scenarios already rendered as the run went, if they were. */
export function writeReports(report: AssuranceReport, reportDir: string, scenarioHtml = new ScenarioHtml()): { json: string; html: string } {
  mkdirSync(reportDir, { recursive: true });
  const json = join(reportDir, REPORT_FILES.json);
  const html = join(reportDir, REPORT_FILES.html);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtmlReport(report, scenarioHtml));
  return { json, html };
}
