/**
 * Checking a recorded session against the client rules. Each rule becomes one result shaped like a
 * scenario run (reporters/ need nothing new): every failing exchange is a step with the recorded exchange
 * as its evidence; the passing ones are one summary step; a rule with nothing to check is an error
 * ("not exercised"), so a session that never updated cannot pass the update rules.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Requirement } from '../engine/requirements.js';
import { isBlocking, scenarioVerdict, type ScenarioResult, type StepResult } from '../engine/results.js';
import type { Level } from '../engine/types.js';
import type { Evidence } from '../transport/evidence.js';
import { CLIENT_CHECKS, type ClientCheckSettings, type Finding } from './rules.js';
import type { RecordedExchange, RecordedSession } from './session.js';
import { SessionView } from './session-view.js';

export interface ClientRule {
  id: string;
  requirement: string;
  title: string;
  level: Level;
}

const RULES_FILE = new URL('./client-rules.yaml', import.meta.url);

export class ClientRulesError extends Error {}

/** client-rules.yaml joined to the checks and to the requirements (each must be a client requirement). */
export function loadClientRules(requirements: readonly Requirement[], text = readFileSync(RULES_FILE, 'utf8')): ClientRule[] {
  const where = (path: string, reason: string) => new ClientRulesError(`src/client-assurance/client-rules.yaml ${path}: ${reason}`);
  const data = parse(text) as { rules?: unknown } | null;
  if (!data || !Array.isArray(data.rules)) throw where('rules', 'must be a list');
  const rules = data.rules.map((raw: unknown, i): ClientRule => {
    const r = (raw ?? {}) as Record<string, unknown>;
    for (const key of ['id', 'requirement', 'title']) if (typeof r[key] !== 'string' || r[key] === '') throw where(`rules[${i}].${key}`, 'must be a non-empty string');
    const id = r.id as string;
    if (!(id in CLIENT_CHECKS)) throw where(`rules[${i}].id`, `"${id}" has no check in rules.ts`);
    const requirement = requirements.find((q) => q.id === r.requirement);
    if (!requirement) throw where(`rules[${i}].requirement`, `"${String(r.requirement)}" is not in suites/requirements.yaml`);
    if (requirement.actor !== 'client') throw where(`rules[${i}].requirement`, `${requirement.id} is a ${requirement.actor} requirement`);
    return { id, requirement: requirement.id, title: r.title as string, level: requirement.level };
  });
  const unlisted = Object.keys(CLIENT_CHECKS).filter((id) => !rules.some((r) => r.id === id));
  if (unlisted.length) throw where('rules', `rules.ts has checks the file does not list: ${unlisted.join(', ')}`);
  return rules;
}

/** The exchange as report evidence; `baseUrl` makes the recorded path absolute, so the curl line can be replayed. */
export function evidenceOf(x: RecordedExchange, baseUrl = ''): Evidence {
  const body = (b: RecordedExchange['request']['body']) => (b ? { body: b.text } : {});
  return {
    request: { method: x.request.method, url: `${baseUrl}${x.request.url}`, headers: x.request.headers, ...body(x.request.body) },
    response: {
      status: x.response.status,
      headers: x.response.headers,
      body: x.response.body?.text ?? '',
      ...(x.response.body?.originalLength ? { bodyTruncated: { originalLength: x.response.body.originalLength, note: 'cut at the recording limit' } } : {}),
    },
    durationMs: x.durationMs,
  };
}

function ruleResult(rule: ClientRule, findings: readonly Finding[], bySeq: ReadonlyMap<number, RecordedExchange>, baseUrl: string): ScenarioResult {
  const steps: StepResult[] = findings
    .filter((f) => !f.ok)
    .map((f) => ({ f, status: isBlocking(rule.level) && !f.doubt ? ('failed' as const) : ('warning' as const) }))
    .map(({ f, status }) => ({
      name: `request #${f.seq}`,
      status,
      assertions: [{ name: rule.id, level: rule.level, status, message: f.message }],
      evidence: [evidenceOf(bySeq.get(f.seq)!, baseUrl)],
    }));
  const passed = findings.filter((f) => f.ok);
  if (passed.length > 0) {
    const seqs = passed.map((f) => `#${f.seq}`).join(', ');
    steps.push({ name: `${passed.length} request(s) meet the rule`, status: 'passed', assertions: [{ name: rule.id, level: rule.level, status: 'passed', message: seqs }], evidence: [] });
  }
  if (findings.length === 0) {
    steps.push({
      name: 'not exercised',
      status: 'error',
      assertions: [{ name: rule.id, level: rule.level, status: 'error', message: `Not exercised: the session has no request this rule applies to (${rule.title}); run a workflow that includes it.` }],
      evidence: [],
    });
  }
  return { id: rule.id, title: rule.title, format: 'none', requirements: [rule.requirement], status: scenarioVerdict(steps), steps, skippedSteps: [] };
}

/**
 * Requests the recording could not keep (over --max-exchanges) or read back (a torn line) were never checked:
 * the session cannot be certified, whatever the rules found in the rest.
 */
function incompleteSession(session: RecordedSession): ScenarioResult | undefined {
  const lost = [
    ...(session.dropped > 0 ? [`${session.dropped} request(s) arrived after the recording limit and were not recorded`] : []),
    ...(session.unreadableLines.length > 0 ? [`line(s) ${session.unreadableLines.join(', ')} of the recording could not be read`] : []),
  ];
  if (lost.length === 0) return undefined;
  const message = `The session was not recorded whole: ${lost.join('; ')}. Those requests were never checked; record a shorter session or raise --max-exchanges.`;
  const steps: StepResult[] = [{ name: 'recording', status: 'error', assertions: [{ name: 'recording', level: 'MUST', status: 'error', message }], evidence: [] }];
  return { id: 'client-session-recorded-whole', title: 'every request of the session was recorded and read back', format: 'none', requirements: [], status: 'error', steps, skippedSteps: [] };
}

/** One result per rule, in the file's order (plus one error when the recording is incomplete); `baseUrl` is where the session's server listened. */
export function checkSession(session: RecordedSession, rules: readonly ClientRule[], settings: ClientCheckSettings, baseUrl = ''): ScenarioResult[] {
  const view = new SessionView(session.exchanges);
  const bySeq = new Map(session.exchanges.map((x) => [x.seq, x]));
  const results = rules.map((rule) => ruleResult(rule, CLIENT_CHECKS[rule.id]!(view, settings), bySeq, baseUrl));
  const incomplete = incompleteSession(session);
  return incomplete ? [incomplete, ...results] : results;
}
