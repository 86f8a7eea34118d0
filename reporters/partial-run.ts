/** The one wording of a partial run, for the console summary and the HTML report alike. */
import type { AssuranceReport } from './report-types.js';

/** "partial run: 4 of 102 runs selected (--grep "^create-", formats json)", or nothing for a full run. */
export function partialRunNote(report: AssuranceReport): string | undefined {
  const s = report.selection;
  if (!s?.partial) return undefined;
  const why = [s.grep !== undefined ? `--grep "${s.grep}"` : '', report.formats && report.formats.length < 2 ? `formats ${report.formats.join(', ')}` : '']
    .filter(Boolean).join(', ');
  return `partial run: ${s.selected} of ${s.available} runs selected${why ? ` (${why})` : ''}`;
}
