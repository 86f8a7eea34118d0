/**
 * The harness proves itself: the whole suite against the conformant reference server (no failure, no
 * error) and against each catalogued fault (caught by a scenario verifying the broken requirement),
 * then the mutation-score table written to docs/self-verification.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRequirements, type Requirement, type ScenarioResult } from '../../src/engine/index.js';
import { startReferenceServer } from '../../src/reference/index.js';
import { faultCatalogue } from '../../src/reference/faults/index.js';
import { syncBlock } from '../support/generated-block.js';
import { judgeFault, mutationTable, type FaultVerdict } from './mutation-score.js';
import { SUITE_RUNS, runWholeSuite } from './whole-suite.js';

const DOC = new URL('../../docs/self-verification.md', import.meta.url);
const faults = faultCatalogue();
const requirements = new Map<string, Requirement>(loadRequirements().map((r) => [r.id, r]));

async function runAgainst(faultNames: string[]): Promise<ScenarioResult[]> {
  const server = await startReferenceServer({ faults: faultNames });
  try {
    return await runWholeSuite(server.url);
  } finally {
    await server.close();
  }
}

let conformant: ScenarioResult[] = [];
const verdicts = new Map<string, FaultVerdict>();

beforeAll(async () => {
  conformant = await runAgainst([]);
  for (const fault of faults) {
    const requirement = requirements.get(fault.requirement);
    if (requirement) verdicts.set(fault.name, judgeFault(fault, requirement, await runAgainst([fault.name])));
  }
}, 300_000);

const notPassed = (results: readonly ScenarioResult[]) => results.filter((r) => r.status !== 'passed').map((r) => `${r.id} [${r.format}]: ${r.status}`);

describe('the conformant reference server', () => {
  it('passes every run of the suite, in both formats', () => {
    expect(conformant.map((r) => `${r.id} [${r.format}]`)).toEqual(SUITE_RUNS);
    expect(notPassed(conformant)).toEqual([]);
  });
});

describe('the fault catalogue', () => {
  it('has at least 30 faults, each breaking a server requirement that scenarios verify', () => {
    expect(faults.length).toBeGreaterThanOrEqual(30);
    const verified = new Set(conformant.flatMap((r) => r.requirements));
    for (const fault of faults) {
      expect(requirements.get(fault.requirement)?.actor, `${fault.name}: ${fault.requirement}`).toBe('server');
      expect(verified.has(fault.requirement), `${fault.name}: no scenario verifies ${fault.requirement}`).toBe(true);
    }
  });

  it('covers every interaction and both formats', () => {
    const interactions = new Set(faults.flatMap((f) => f.interactions));
    expect([...interactions].sort()).toEqual(['create', 'error', 'history-instance', 'history-type', 'metadata', 'search-type', 'update', 'vread']);
    expect(faults.some((f) => f.formats.length === 1 && f.formats[0] === 'xml')).toBe(true);
    expect(faults.some((f) => f.formats.length === 1 && f.formats[0] === 'json')).toBe(true);
  });
});

describe.each(faults.map((f) => [f.name, f] as const))('fault %s', (name, fault) => {
  it(`is caught by a scenario verifying ${fault.requirement}, in ${fault.formats.join(' and ')}`, () => {
    const verdict = verdicts.get(name)!;
    expect(verdict.caughtIn, `runs that noticed it: ${verdict.noticedBy.join(', ') || 'none'}`).toEqual(fault.formats);
  });

});

const shouldOnly = faults.filter((f) => ['SHOULD', 'MAY'].includes(requirements.get(f.requirement)?.level ?? ''));
describe.each(shouldOnly.map((f) => [f.name] as const))('fault %s, breaking only a SHOULD', (name) => {
  it('fails no run and errors none: a missed recommendation is never a non-conformance', () => {
    expect(verdicts.get(name)!.overreactions).toEqual([]);
  });
});

describe('docs/self-verification.md', () => {
  let table = '';
  afterAll(() => {
    if (table) process.stdout.write(`\n${table}\n`);
  });

  it('holds the mutation-score table of this run (rewritten locally; in CI the committed copy must match)', () => {
    table = mutationTable([...verdicts.values()], conformant.length, notPassed(conformant));
    const { stale } = syncBlock(DOC, 'server-faults', 'test/self-verification/faults.test.ts', table);
    if (process.env.CI) expect(stale, 'docs/self-verification.md is stale: run `npx vitest run test/self-verification` and commit it').toBe(false);
    expect(table).toContain(`${faults.length} of ${faults.length} faults caught (100%)`);
  });
});
