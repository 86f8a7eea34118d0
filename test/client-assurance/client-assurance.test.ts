/**
 * Client assurance mode proves itself: the conformant scripted client passes every client rule, each
 * client fault of client-faults.yaml is caught by the rule verifying its requirement, the recording holds
 * no secret and survives a misbehaving client, and the mutation-score table goes to docs/self-verification.md.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ClientRulesError, checkSession, loadClientRules } from '../../src/client-assurance/check.js';
import { SessionRecorder, readSession, type SessionLimits, DEFAULT_SESSION_LIMITS } from '../../src/client-assurance/session.js';
import { loadRequirements, type ScenarioResult } from '../../src/engine/index.js';
import { startReferenceServer } from '../../src/reference/index.js';
import { AUDIT_JWT } from '../../src/spine/audit-jwt-data.js';
import { DEFAULT_INTERACTION_IDS, GUIDE_INTERACTION_IDS } from '../../src/spine/interactions.js';
import { auditClaims, encodeJwt } from '../../src/spine/jwt.js';
import { spineHeaders } from '../../src/spine/headers.js';
import { PDS, consentFor, syntheticNhsNumber } from '../reference/helpers.js';
import { syncBlock } from '../support/generated-block.js';
import { runScriptedClient } from './scripted-client.js';

interface ClientFault {
  name: string;
  breaks: string;
  requirement: string;
}

const requirements = loadRequirements();
const rules = loadClientRules(requirements);
const faults = (parse(readFileSync(new URL('./client-faults.yaml', import.meta.url), 'utf8')) as { faults: ClientFault[] }).faults;
const CHECK_SETTINGS = { audience: AUDIT_JWT.audience, interactionIds: GUIDE_INTERACTION_IDS };
const dir = mkdtempSync(join(tmpdir(), 'ndop-client-'));

/** Records `drive` against a fresh recording server and returns the file. */
async function record(name: string, drive: (url: string) => Promise<void>, limits: SessionLimits = DEFAULT_SESSION_LIMITS): Promise<SessionRecorder> {
  const recorder = new SessionRecorder(join(dir, `${name}.jsonl`), limits);
  const server = await startReferenceServer({ onExchange: (answered) => recorder.record(answered) });
  try {
    await drive(server.url);
  } finally {
    await server.close();
    recorder.end();
  }
  return recorder;
}

async function checked(name: string, clientFaults: string[] = []): Promise<ScenarioResult[]> {
  const recorder = await record(name, (url) => runScriptedClient(url, clientFaults));
  return checkSession(readSession(recorder.file), rules, CHECK_SETTINGS);
}

const notPassed = (results: readonly ScenarioResult[]) => results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status}`);

let conformant: ScenarioResult[] = [];
const byFault = new Map<string, ScenarioResult[]>();
beforeAll(async () => {
  conformant = await checked('conformant');
  for (const fault of faults) byFault.set(fault.name, await checked(fault.name, [fault.name]));
}, 120_000);

describe('the client rules', () => {
  it('cover every client requirement the guide states as testable in traffic', () => {
    const checked = new Set(rules.map((r) => r.requirement));
    const client = requirements.filter((r) => r.actor === 'client' && r.level !== 'MAY' && !['NDOP-EL-007', 'NDOP-EL-009'].includes(r.id));
    expect(client.map((r) => r.id).filter((id) => !checked.has(id))).toEqual([]);
  });

  it.each([
    ['an unknown check', 'rules:\n  - { id: client-guesses, requirement: NDOP-REST-001, title: t }', 'rules[0].id: "client-guesses" has no check in rules.ts'],
    ['a server requirement', 'rules:\n  - { id: client-no-id-on-create, requirement: NDOP-REST-006, title: t }', 'rules[0].requirement: NDOP-REST-006 is a server requirement'],
    ['an unknown requirement', 'rules:\n  - { id: client-no-id-on-create, requirement: NDOP-NOPE, title: t }', 'rules[0].requirement: "NDOP-NOPE" is not in suites/requirements.yaml'],
    ['a missing title', 'rules:\n  - { id: client-no-id-on-create, requirement: NDOP-CLIENT-001 }', 'rules[0].title: must be a non-empty string'],
  ])('refuse %s, naming the file and the path', (_what, text, message) => {
    expect(() => loadClientRules(requirements, text)).toThrow(ClientRulesError);
    expect(() => loadClientRules(requirements, text)).toThrow(`src/client-assurance/client-rules.yaml ${message}`);
  });
});

describe('the conformant scripted client', () => {
  it('passes every client rule, and every rule was exercised', () => {
    expect(conformant.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    expect(notPassed(conformant)).toEqual([]);
  });
});

describe.each(faults.map((f) => [f.name, f] as const))('client fault %s', (name, fault) => {
  it(`is caught by the rule verifying ${fault.requirement}, pointing at the recorded exchange`, () => {
    const level = requirements.find((r) => r.id === fault.requirement)!.level;
    const rule = byFault.get(name)!.find((r) => r.requirements.includes(fault.requirement))!;
    expect(rule.status, notPassed(byFault.get(name)!).join('; ')).toBe(level === 'MUST' || level === 'SHALL' ? 'failed' : 'warning');
    const failing = rule.steps.filter((s) => s.status === 'failed' || s.status === 'warning');
    expect(failing.length).toBeGreaterThan(0);
    for (const step of failing) expect(step.evidence).toHaveLength(1);
  });
});

describe('a session that never updates', () => {
  it('reports the update rules as not exercised (errors), never as passed', async () => {
    const recorder = await record('search-only', async (url) => {
      await fetch(`${url}/metadata`);
    });
    const results = checkSession(readSession(recorder.file), rules, CHECK_SETTINGS);
    const update = results.find((r) => r.id === 'client-update-whole-resource')!;
    expect(update.status).toBe('error');
    expect(update.steps[0]!.assertions[0]!.message).toMatch(/^Not exercised/);
  });
});

describe('the recording', () => {
  it('redacts the headers named secret, besides the standard ones', async () => {
    const recorder = await record('secret-header', async (url) => {
      await (await fetch(`${url}/metadata`, { headers: { 'x-api-key': 'SUPERSECRET-gateway-key', cookie: 'session=abc123secret' } })).text();
    }, { ...DEFAULT_SESSION_LIMITS, secretHeaders: ['X-Api-Key'] });
    const text = readFileSync(recorder.file, 'utf8');
    expect(text).not.toContain('SUPERSECRET');
    expect(text).not.toContain('abc123secret');
    expect(readSession(recorder.file).exchanges[0]!.request.headers['x-api-key']).toBe('[redacted]');
  });

  it('keeps the audit JWT only as header, claims and fingerprint, never the token', async () => {
    const recorder = await record('secrets', (url) => runScriptedClient(url, ['reused-jwt']));
    const text = readFileSync(recorder.file, 'utf8');
    const session = readSession(recorder.file);
    expect(session.exchanges.length).toBeGreaterThan(5);
    for (const x of session.exchanges) {
      expect(x.request.headers.authorization).toBe('[redacted]');
      expect(x.jwt?.claims?.aud).toBe(AUDIT_JWT.audience);
      expect(x.jwt?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    // A token is three base64url parts; none of the recorded values may be one.
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./);
  });

  it('is bounded: bodies cut at the limit, requests over the maximum counted, not kept', async () => {
    const limits = { ...DEFAULT_SESSION_LIMITS, maxExchanges: 20, maxBodyChars: 1_000 };
    const recorder = await record('flood', async (url) => {
      await Promise.all(Array.from({ length: 60 }, () => fetch(`${url}/metadata`).then((r) => r.text())));
    }, limits);
    const session = readSession(recorder.file);
    expect(session.exchanges).toHaveLength(20);
    expect(session.dropped).toBe(40);
    // What was not recorded was not checked: the session cannot pass.
    const incomplete = checkSession(session, rules, CHECK_SETTINGS).find((r) => r.id === 'client-session-recorded-whole');
    expect(incomplete?.status).toBe('error');
    expect(incomplete?.steps[0]!.assertions[0]!.message).toContain('40 request(s) arrived after the recording limit');
    expect(session.exchanges[0]!.response.body!.text).toHaveLength(1_000);
    expect(session.exchanges[0]!.response.body!.originalLength).toBeGreaterThan(1_000);
  });

  it('keeps working through garbage and oversized bodies, and answers each with the right error', async () => {
    const recorder = await record('hostile-client', async (url) => {
      const { hostname, port } = new URL(url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
        socket.on('data', () => undefined).on('close', () => resolve()).on('error', () => resolve());
      });
      const huge = await fetch(`${url}/Consent`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: 'x'.repeat(2 * 1024 * 1024) });
      expect(huge.status).toBe(413);
      const junk = await fetch(`${url}/Consent`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '{"resourceType": "Consent", ' });
      expect(junk.status).toBe(400);
      expect((await fetch(`${url}/metadata`)).status).toBe(200);
    });
    const session = readSession(recorder.file);
    expect(session.exchanges.map((x) => x.response.status)).toEqual([413, 400, 200]);
    expect(session.unreadableLines).toEqual([]);
  });

  it('a line torn by a killed process is reported and the rest of the session still read', async () => {
    const recorder = await record('torn', async (url) => {
      await fetch(`${url}/metadata`);
    });
    const file = recorder.file;
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, '{"type":"exchange","seq":2,"at":"2026');
    const session = readSession(file);
    expect(session.exchanges).toHaveLength(1);
    expect(session.unreadableLines).toHaveLength(1);
  });
});

/** Headers of one request as a careful client sends them, with the claims changed as given (null removes one). */
async function headersFor(interaction: 'search-type' | 'create' | 'update' | 'vread' | 'metadata', claims: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const token = await encodeJwt(auditClaims({ interaction }, { asid: '200000000205', odsCode: 'X26' }, {}, claims));
  return { authorization: `Bearer ${token}`, ...spineHeaders(interaction, { to: '200000001115', interactionIds: {}, headers: {} }) };
}

const ruleNamed = (results: readonly ScenarioResult[], id: string) => results.find((r) => r.id === id)!;

describe('judging doubtful cases', () => {
  it('the same token twice is a failure when it has a jti or was issued seconds before, only a warning when it may have been built anew', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      sameSecondNoJti: await headersFor('metadata', { jti: null, iat: now, exp: now + 300 }),
      withJti: await headersFor('metadata', { jti: 'fixed-jti' }),
      oldNoJti: await headersFor('metadata', { jti: null, iat: now - 10, exp: now + 290 }),
    };
    const verdicts: Record<string, string> = {};
    for (const [name, headers] of Object.entries(tokens)) {
      const recorder = await record(`reuse-${name}`, async (url) => {
        for (let i = 0; i < 2; i++) await (await fetch(`${url}/metadata`, { headers: { ...headers, 'ssp-traceid': crypto.randomUUID() } })).text();
      });
      verdicts[name] = ruleNamed(checkSession(readSession(recorder.file), rules, CHECK_SETTINGS), 'client-fresh-jwt').status;
    }
    expect(verdicts).toEqual({ sameSecondNoJti: 'warning', withJti: 'failed', oldNoJti: 'failed' });
  });

  it('an update that leaves out an optional element of the previous version is a warning, one that breaks the profile a failure', async () => {
    const nhs = syntheticNhsNumber();
    const recorder = await record('party-to-proxy', async (url) => {
      await fetch(`${url}/Consent?patient=${encodeURIComponent(PDS + nhs)}`, { headers: await headersFor('search-type') });
      const created = (await (await fetch(`${url}/Consent`, { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...(await headersFor('create')) }, body: JSON.stringify(consentFor(nhs)) })).json()) as Record<string, unknown>;
      const { meta: _meta, consentingParty: _party, ...rest } = created;
      const proxy = { url: 'https://fhir.nhs.uk/STU3/StructureDefinition/Extension-NDOP-ProxyRole-1', valueCodeableConcept: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/NDOP-ProxyRole-1', code: 'GUARDIAN', display: 'Guardian' }] } };
      const body = { ...rest, extension: [...(rest.extension as unknown[]), proxy] };
      const res = await fetch(`${url}/Consent/${String(created.id)}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json', ...(await headersFor('update')) }, body: JSON.stringify(body) });
      expect(res.status, await res.text()).toBe(200);
    });
    const rule = ruleNamed(checkSession(readSession(recorder.file), rules, CHECK_SETTINGS), 'client-update-whole-resource');
    expect(rule.status).toBe('warning');
    expect(rule.steps[0]!.assertions[0]!.message).toContain('leaves out consentingParty');
  });

  it('a lifetime of 300 s plus 5 s of clock slack is accepted, 306 s is not', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verdict = async (lifetime: number) => {
      const recorder = await record(`lifetime-${lifetime}`, async (url) => {
        await (await fetch(`${url}/metadata`, { headers: await headersFor('metadata', { iat: now, exp: now + lifetime }) })).text();
      });
      return ruleNamed(checkSession(readSession(recorder.file), rules, CHECK_SETTINGS), 'client-jwt-claims').status;
    };
    expect([await verdict(300), await verdict(305), await verdict(306)]).toEqual(['passed', 'passed', 'failed']);
  });

  it('checks Ssp-InteractionID values only where the guide or the configuration fixes them', async () => {
    const recorder = await record('interaction-ids', async (url) => {
      const headers = { ...(await headersFor('search-type')), 'ssp-interactionid': 'urn:nhs:names:services:nationaldataoptout:fhir:rest:read:consent' };
      await (await fetch(`${url}/Consent?patient=${encodeURIComponent(PDS + syntheticNhsNumber())}`, { headers })).text();
    });
    const session = readSession(recorder.file);
    expect(ruleNamed(checkSession(session, rules, CHECK_SETTINGS), 'client-spine-headers').status).toBe('passed');
    const configured = { ...CHECK_SETTINGS, interactionIds: { ...GUIDE_INTERACTION_IDS, 'search-type': DEFAULT_INTERACTION_IDS['search-type'] } };
    expect(ruleNamed(checkSession(session, rules, configured), 'client-spine-headers').status).toBe('failed');
  });
});

describe('docs/self-verification.md', () => {
  it('holds the client mutation-score table of this run (in CI the committed copy must match)', () => {
    const caught = faults.filter((f) => byFault.get(f.name)!.some((r) => r.requirements.includes(f.requirement) && r.status !== 'passed'));
    const rows = faults.map((f) => {
      const results = byFault.get(f.name)!;
      const catching = results.filter((r) => r.requirements.includes(f.requirement) && r.status !== 'passed').map((r) => `\`${r.id}\``);
      const others = results.filter((r) => !r.requirements.includes(f.requirement) && r.status !== 'passed').map((r) => `\`${r.id}\``);
      return `| \`${f.name}\` | ${f.breaks} | ${f.requirement} | ${catching.length ? 'caught' : '**missed**'} | ${catching.join(', ') || 'none'} | ${others.join(', ') || 'none'} |`;
    });
    const table = [
      `**Score: ${caught.length} of ${faults.length} client faults caught (${Math.round((100 * caught.length) / faults.length)}%); the conformant client: ${conformant.length} rules, ${notPassed(conformant).length} false failures.**`,
      '',
      '| fault | what the faulty client does | requirement | verdict | caught by | other rules that noticed it |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    const { stale } = syncBlock(new URL('../../docs/self-verification.md', import.meta.url), 'client-faults', 'test/client-assurance/client-assurance.test.ts', table);
    if (process.env.CI) expect(stale, 'docs/self-verification.md is stale: run `npx vitest run test/client-assurance` and commit it').toBe(false);
    expect(caught).toHaveLength(faults.length);
    expect(faults.length).toBeGreaterThanOrEqual(12);
  });
});


