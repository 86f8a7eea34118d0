/** The closing lines of a run: verdict, counts and where the reports are. */
import { partialRunNote } from '../../reporters/partial-run.js';
import type { AssuranceReport } from '../../reporters/report-types.js';

const VERDICT_LINE = {
  conformant: 'CONFORMANT: no MUST/SHALL requirement failed',
  'non-conformant': 'NOT CONFORMANT: at least one MUST/SHALL requirement failed',
  error: 'COULD NOT BE TESTED: some scenarios could not complete against the target',
} as const;

export function summaryText(report: AssuranceReport, files: Record<string, string>): string {
  const s = report.summary;
  return [
    '',
    VERDICT_LINE[report.verdict],
    `${s.total} ${report.mode === 'client' ? 'client rules' : 'scenario runs'}: ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s.skipped} skipped; ${s.warnings} warnings`,
    ...[partialRunNote(report)].filter((line) => line !== undefined),
    report.mode === 'client' ? `assured: ${report.target.url}` : `target: ${report.target.url}${report.target.embedded ? ' (embedded reference server)' : ''}`,
    'reports:',
    ...Object.values(files).map((f) => `  ${f}`),
  ].join('\n');
}
