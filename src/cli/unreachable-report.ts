/**
 * The report of a run that stopped before any scenario: the target could not be reached, so nothing was
 * tested. CI still finds a report saying so (verdict error, every requirement untested), never no file.
 */
import { resolve } from 'node:path';
import { buildReport, type RunSelection } from '../../reporters/build-report.js';
import { writeReports } from '../../reporters/write-reports.js';
import type { RunOptions } from '../config/run-options.js';
import { loadRequirements } from '../engine/requirements.js';
import { toolVersion } from './run-scenarios.js';

export function writeUnreachableReport(options: RunOptions, reason: string, selection: RunSelection): { json: string; html: string } {
  const now = new Date();
  const run = {
    suite: 'run',
    result: {
      id: 'target-unreachable',
      title: 'The target could not be reached',
      format: 'none',
      requirements: [],
      status: 'error' as const,
      steps: [{ name: 'connect to the target', status: 'error' as const, assertions: [], evidence: [], stopReason: `${reason}; nothing was tested` }],
      skippedSteps: [],
    },
  };
  const report = buildReport([run], loadRequirements(), {
    toolVersion: toolVersion(),
    targetUrl: options.settings.targetUrl ?? 'embedded reference server',
    embedded: false,
    startedAt: now,
    finishedAt: now,
    formats: options.settings.formats,
    selection,
  });
  return writeReports(report, resolve(options.reportDir));
}
