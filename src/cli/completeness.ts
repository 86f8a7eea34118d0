/**
 * The last check of a run: every selected scenario × format appears in the report exactly once. A run that
 * went missing (a worker that died, a module that never loaded) must never leave a report that looks complete.
 */
import type { AssuranceReport } from '../../reporters/report-types.js';

const LISTED = 20;

function list(names: readonly string[]): string {
  const more = names.length > LISTED ? ` and ${names.length - LISTED} more` : '';
  return `${names.slice(0, LISTED).join(', ')}${more}`;
}

/** Why the report does not account for the selected runs, or undefined when it does. */
export function reportCompleteness(selected: readonly string[], report: AssuranceReport): string | undefined {
  const counts = new Map<string, number>();
  for (const s of report.scenarios) {
    // Run-level errors (a module that did not load, an unhandled error) carry no format and name no scenario.
    if (s.format === 'none') continue;
    const name = `${s.id} [${s.format}]`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const chosen = new Set(selected);
  const missing = selected.filter((name) => !counts.has(name));
  const repeated = [...counts].filter(([name, n]) => n > 1 && chosen.has(name)).map(([name]) => name);
  const unexpected = [...counts.keys()].filter((name) => !chosen.has(name));
  if (missing.length + repeated.length + unexpected.length === 0) return undefined;
  const problems = [
    missing.length > 0 ? `missing: ${list(missing)}` : '',
    repeated.length > 0 ? `reported more than once: ${list(repeated)}` : '',
    unexpected.length > 0 ? `not selected: ${list(unexpected)}` : '',
  ].filter(Boolean);
  return `the report holds ${report.summary.total} scenario runs but ${selected.length} were selected; ${problems.join('; ')}. The target was not fully tested.`;
}
