/**
 * The opt-in security suite both ways: a server that requires the audit JWT passes it cleanly, and one that
 * serves requests with missing, malformed, expired, wrongly addressed or wrongly scoped tokens gets a warning
 * in every run (the guide fixes no answer, so these are SHOULDs) and never a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { loadSuites, selectRuns, type ScenarioResult } from '../../src/engine/index.js';
import { suiteOf } from '../../src/engine/selection.js';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import { runWholeSuite } from './whole-suite.js';

const security = selectRuns(loadSuites(), { ...DEFAULT_SETTINGS, optIn: ['security'] }).filter((run) => suiteOf(run.file) === 'security');
const servers: RunningServer[] = [];
const results: Record<'strict' | 'lax', ScenarioResult[]> = { strict: [], lax: [] };

beforeAll(async () => {
  for (const [name, requireJwt] of [['strict', {}], ['lax', undefined]] as const) {
    const server = await startReferenceServer(requireJwt ? { requireJwt } : {});
    servers.push(server);
    results[name] = await runWholeSuite(server.url, 8, security);
  }
});
afterAll(async () => {
  for (const server of servers) await server.close();
});

const statuses = (list: readonly ScenarioResult[]) => [...new Set(list.map((r) => r.status))];

describe('the security suite', () => {
  it('has runs to judge', () => {
    expect(security.length).toBeGreaterThanOrEqual(10);
  });

  it('passes a server that refuses every bad token', () => {
    expect(statuses(results.strict)).toEqual(['passed']);
  });

  it('warns, in every run and never with a failure, against a server that accepts bad tokens', () => {
    expect(statuses(results.lax)).toEqual(['warning']);
    for (const run of results.lax) expect(run.steps.flatMap((s) => s.assertions).some((a) => a.status === 'warning' && a.level === 'SHOULD')).toBe(true);
  });
});
