import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildReport, type RunFacts, type ScenarioRun } from '../../reporters/build-report.js';
import type { Requirement } from '../../src/engine/requirements.js';
import type { ScenarioResult, Verdict } from '../../src/engine/results.js';

const schema = JSON.parse(readFileSync(new URL('../../reporters/schema/assurance-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
addFormats(ajv);
const validateReport = ajv.compile(schema);

const facts: RunFacts = {
  toolVersion: '0.1.0',
  targetUrl: 'http://127.0.0.1:1',
  embedded: false,
  startedAt: new Date('2026-11-23T08:00:00Z'),
  finishedAt: new Date('2026-11-23T08:00:02Z'),
  formats: ['xml', 'json'],
};

const requirements: Requirement[] = [
  { id: 'R-1', level: 'MUST', actor: 'server', statement: 'one', source: [{ page: 'p.md', section: '1' }] },
  { id: 'R-2', level: 'SHOULD', actor: 'server', statement: 'two', source: [{ page: 'p.md' }] },
  { id: 'R-3', level: 'MUST', actor: 'server', statement: 'untested', source: [{ page: 'p.md' }] },
  { id: 'C-1', level: 'MUST', actor: 'client', statement: 'a client duty', source: [{ page: 'p.md' }] },
];

function run(id: string, status: Verdict, reqs: string[] = ['R-1']): ScenarioRun {
  const assertionStatus = status === 'error' ? 'error' : status;
  const result: ScenarioResult = {
    id,
    title: `${id} title`,
    format: 'json',
    requirements: reqs,
    status,
    skippedSteps: status === 'error' ? ['later step'] : [],
    steps: [
      {
        name: 'only step',
        status,
        assertions: [{ name: 'status', level: status === 'warning' ? 'SHOULD' : 'MUST', status: assertionStatus, message: `it was ${status}` }],
        evidence: [
          {
            request: { method: 'GET', url: 'http://127.0.0.1:1/Consent', headers: {} },
            durationMs: 3,
            ...(status === 'error'
              ? { error: { code: 'ECONNREFUSED', message: 'connection refused' } }
              : { response: { status: 200, headers: {}, body: '{}' } }),
          },
        ],
        ...(status === 'error' ? { stopReason: 'the target could not be reached' } : {}),
      },
    ],
  };
  return { result, suite: 'search', durationMs: 5 };
}

describe('assurance report verdict', () => {
  it('is conformant only when every scenario passed (warnings allowed)', () => {
    const report = buildReport([run('a', 'passed'), run('b', 'warning', ['R-2'])], requirements, facts);
    expect(report.verdict).toBe('conformant');
    expect(report.summary).toEqual({ total: 2, passed: 2, failed: 0, errored: 0, skipped: 0, warnings: 1 });
  });

  it('is non-conformant when any MUST failed, whatever else happened', () => {
    expect(buildReport([run('a', 'passed'), run('b', 'failed'), run('c', 'error')], requirements, facts).verdict).toBe('non-conformant');
  });

  it('never passes a target that could not be fully tested', () => {
    expect(buildReport([run('a', 'error')], requirements, facts).verdict).toBe('error');
    expect(buildReport([run('a', 'passed'), run('b', 'error')], requirements, facts).verdict).toBe('error');
    expect(buildReport([], requirements, facts).verdict).toBe('error');
  });
});

describe('assurance report content', () => {
  const report = buildReport([run('a', 'passed'), run('b', 'failed'), run('c', 'error'), run('d', 'warning', ['R-2'])], requirements, facts);

  it('validates against its JSON Schema', () => {
    const ok = validateReport(report);
    expect(validateReport.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('traces each server requirement to its scenarios and leaves client duties out', () => {
    const byId = Object.fromEntries(report.requirements.map((r) => [r.id, r]));
    expect(Object.keys(byId)).toEqual(['R-1', 'R-2', 'R-3']);
    expect(byId['R-1']).toMatchObject({ status: 'failed', scenarios: ['a', 'b', 'c'], source: 'p.md §1' });
    expect(byId['R-2']).toMatchObject({ status: 'warning', scenarios: ['d'] });
    expect(byId['R-3']).toMatchObject({ status: 'untested', scenarios: [] });
  });

  it('keeps the evidence and the reason of an errored step, and lists the steps that did not run', () => {
    const errored = report.scenarios.find((s) => s.id === 'c');
    expect(errored?.status).toBe('errored');
    expect(errored?.steps[0]?.error).toBe('ECONNREFUSED: connection refused — the target could not be reached');
    expect(errored?.steps[0]?.response).toBeNull();
    expect(errored?.steps[1]).toMatchObject({ name: 'later step', status: 'skipped' });
  });

  it('summarises why a scenario failed', () => {
    expect(report.scenarios.find((s) => s.id === 'b')?.message).toBe('only step: it was failed');
  });
});
