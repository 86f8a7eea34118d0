/**
 * One line per scenario × format as the run goes, so a person watching sees where it is and
 * what broke; the closing summary is printed by the command once the report exists.
 */
import type { Reporter, TestCase } from 'vitest/node';
import type { ScenarioResult } from '../src/engine/results.js';

const MARK: Record<ScenarioResult['status'], string> = { passed: 'pass ', warning: 'warn ', failed: 'FAIL ', error: 'ERROR' };

export function progressLine(name: string, status: ScenarioResult['status'], durationMs: number, detail?: string): string {
  const line = `${MARK[status]} ${name} (${Math.round(durationMs)} ms)`;
  return detail ? `${line}\n        ${detail}` : line;
}

function firstProblem(result: ScenarioResult): string | undefined {
  for (const step of result.steps) {
    const bad = step.assertions.find((a) => a.status === 'failed' || a.status === 'error');
    if (bad) return `${step.name}: ${bad.message ?? bad.name}`;
    if (step.stopReason) return `${step.name}: ${step.stopReason}`;
  }
  return undefined;
}

export class ConsoleProgressReporter implements Reporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    if (state === 'skipped' || state === 'pending') return;
    const duration = testCase.diagnostic()?.duration ?? 0;
    const result = testCase.meta().ndop?.result;
    if (!result) {
      const reason = testCase.result().errors?.[0]?.message ?? 'the scenario did not run';
      this.write(progressLine(testCase.name, 'error', duration, reason));
      return;
    }
    this.write(progressLine(testCase.name, result.status, duration, result.status === 'passed' || result.status === 'warning' ? undefined : firstProblem(result)));
  }
}
