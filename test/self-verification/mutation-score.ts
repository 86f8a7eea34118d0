/**
 * Judging one fault's run of the whole suite, and the mutation-score table of docs/self-verification.md.
 * A fault is caught when, in each format it shows in, a scenario that verifies the fault's requirement
 * fails (MUST/SHALL requirement) or warns (SHOULD/MAY requirement).
 */
import type { Requirement, ScenarioResult } from '../../src/engine/index.js';
import type { FaultEntry } from '../../src/reference/faults/index.js';

export interface FaultVerdict {
  fault: FaultEntry;
  level: string;
  /** Formats in which a scenario verifying the requirement caught the fault. */
  caughtIn: string[];
  caught: boolean;
  /** Runs verifying the requirement that caught the fault, as `id [format]`. */
  caughtBy: string[];
  /** Runs that failed or warned, as `id [format]`, whatever requirement they verify. */
  noticedBy: string[];
  /** For a fault breaking only a SHOULD: runs that failed or errored (a SHOULD must never fail a run). Empty for MUST faults. */
  overreactions: string[];
}

const runName = (r: ScenarioResult) => `${r.id} [${r.format}]`;

function warned(r: ScenarioResult): boolean {
  return r.status === 'warning' || r.steps.some((s) => s.assertions.some((a) => a.status === 'warning'));
}

export function judgeFault(fault: FaultEntry, requirement: Requirement, results: readonly ScenarioResult[]): FaultVerdict {
  const blocking = requirement.level === 'MUST' || requirement.level === 'SHALL';
  const catches = (r: ScenarioResult) => r.requirements.includes(fault.requirement) && (blocking ? r.status === 'failed' : warned(r));
  const caughtBy = results.filter(catches);
  const caughtIn = fault.formats.filter((format) => caughtBy.some((r) => r.format === format));
  return {
    fault,
    level: requirement.level,
    caughtIn,
    caught: caughtIn.length === fault.formats.length,
    caughtBy: caughtBy.map(runName),
    noticedBy: results.filter((r) => r.status !== 'passed' || warned(r)).map(runName),
    overreactions: blocking ? [] : results.filter((r) => r.status === 'failed' || r.status === 'error').map(runName),
  };
}

/** `a [xml, json], b [xml]`: runs grouped by scenario, in suite order. */
function grouped(runs: readonly string[]): string {
  const formats = new Map<string, string[]>();
  for (const run of runs) {
    const [, id, format] = /^(.*) \[(.*)\]$/.exec(run)!;
    formats.set(id!, [...(formats.get(id!) ?? []), format!]);
  }
  return [...formats].map(([id, f]) => `\`${id}\` [${f.join(', ')}]`).join(', ');
}

/** The generated block: score line and one row per fault. Deterministic, so the committed copy can be checked. */
export function mutationTable(verdicts: readonly FaultVerdict[], conformantRuns: number, falseFailures: readonly string[]): string {
  const caught = verdicts.filter((v) => v.caught).length;
  const rows = verdicts.map((v) => {
    const verdict = v.caught ? (v.level === 'MUST' || v.level === 'SHALL' ? 'caught (failure)' : 'caught (warning)') : '**missed**';
    const others = v.noticedBy.filter((run) => !v.caughtBy.includes(run)).length;
    return `| \`${v.fault.name}\` | ${v.fault.breaks} | ${v.fault.requirement} (${v.level}) | ${v.fault.formats.join(', ')} | ${verdict} | ${grouped(v.caughtBy) || 'none'} | ${others} |`;
  });
  return [
    `**Score: ${caught} of ${verdicts.length} faults caught (${Math.round((100 * caught) / verdicts.length)}%); the conformant server: ${conformantRuns} runs, ${falseFailures.length} false failures.**`,
    '',
    '| fault | what the faulty server does | requirement | formats | verdict | caught by (runs verifying the requirement) | other runs that noticed it |',
    '|---|---|---|---|---|---|---:|',
    ...rows,
  ].join('\n');
}
