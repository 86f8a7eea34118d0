/** Outcomes of expectations, steps and scenarios. */
import type { Evidence } from '../transport/evidence.js';
import type { Level } from './types.js';

/** passed; failed (a MUST/SHALL expectation is false); warning (a SHOULD/MAY one is); error (the target could not be tested). */
export type Verdict = 'passed' | 'failed' | 'warning' | 'error';

export interface AssertionResult {
  name: string;
  level: Level;
  status: Verdict;
  message?: string;
}

export interface StepResult {
  name: string;
  status: Verdict;
  assertions: AssertionResult[];
  evidence: Evidence[];
  /** Why the scenario stopped after this step, when it did. */
  stopReason?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  format: string;
  requirements: string[];
  status: Verdict;
  steps: StepResult[];
  /** Steps that did not run because an earlier one stopped the scenario. */
  skippedSteps: string[];
}

export function isBlocking(level: Level): boolean {
  return level === 'MUST' || level === 'SHALL';
}

/** A false expectation: failure at MUST/SHALL, warning at SHOULD/MAY. */
export function outcome(name: string, level: Level, ok: boolean, message: string): AssertionResult {
  if (ok) return { name, level, status: 'passed' };
  return { name, level, status: isBlocking(level) ? 'failed' : 'warning', message };
}

/**
 * A point the target could not be tested on (an unreadable body, an expression that cannot be evaluated):
 * error at MUST/SHALL; at SHOULD/MAY only a warning, since an optional expectation never fails or blocks a run.
 */
export function untestable(name: string, level: Level, message: string): AssertionResult {
  return { name, level, status: isBlocking(level) ? 'error' : 'warning', message };
}

/** The worst verdict wins: error > failed > warning > passed. */
export function worst(verdicts: readonly Verdict[]): Verdict {
  const order: Verdict[] = ['error', 'failed', 'warning', 'passed'];
  for (const v of order) if (verdicts.includes(v)) return v;
  return 'passed';
}

/**
 * A scenario's verdict: a proven MUST/SHALL failure anywhere outranks a step that could not be
 * tested, so a target is never reported as merely untestable when it has been shown non-conformant.
 */
export function scenarioVerdict(steps: readonly { status: Verdict; assertions: readonly AssertionResult[] }[]): Verdict {
  if (steps.some((s) => s.status === 'failed' || s.assertions.some((a) => a.status === 'failed'))) return 'failed';
  return worst(steps.map((s) => s.status));
}
