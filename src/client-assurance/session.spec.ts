/**
 * Client assurance mode's checks as vitest tests, so that the same reporters (console, assurance JSON and
 * HTML, JUnit, Allure) report them: one test per client rule over the session recorded in
 * NDOP_CLIENT_SESSION. Run by `ndop-assure client` (src/cli/client-command.ts), not by `npm test`.
 */
import { describe, expect, test } from 'vitest';
import { loadRequirements } from '../engine/requirements.js';
import { AUDIT_JWT } from '../spine/audit-jwt-data.js';
import { GUIDE_INTERACTION_IDS } from '../spine/interactions.js';
// Declares task.meta.ndop (the reporters' side of the contract).
import type { ScenarioMeta } from '../../reporters/vitest-assurance.js';
import { checkSession, loadClientRules } from './check.js';
import { readSession } from './session.js';

const file = process.env.NDOP_CLIENT_SESSION;
if (!file) throw new Error('NDOP_CLIENT_SESSION names no recorded session (run `ndop-assure client`)');
const session = readSession(file);
const baseUrl = process.env.NDOP_CLIENT_BASE_URL ?? '';
const label = `client session on ${baseUrl || 'the reference server'}`;
const results = checkSession(session, loadClientRules(loadRequirements()), {
  audience: process.env.NDOP_CLIENT_AUDIENCE || AUDIT_JWT.audience,
  interactionIds: { ...GUIDE_INTERACTION_IDS, ...(JSON.parse(process.env.NDOP_CLIENT_INTERACTION_IDS || '{}') as Record<string, string>) },
}, baseUrl);

describe(`client session (${session.exchanges.length} requests)`, () => {
  for (const result of results) {
    test(`${result.id}: ${result.title}`, ({ task }) => {
      const meta: ScenarioMeta = { result, suite: 'client rules', targetUrl: label, embedded: true, patients: [], createdIds: [] };
      task.meta.ndop = meta;
      const problems = result.steps.flatMap((s) => s.assertions.filter((a) => a.status === 'failed' || a.status === 'error').map((a) => `[${a.status}] ${a.message}`));
      if (problems.length > 0) expect.fail(`${result.id}: ${result.title}\n${problems.join('\n')}`);
    });
  }
});
