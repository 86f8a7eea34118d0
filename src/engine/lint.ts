/**
 * Checks on scenario data beyond the schema (JSON-Schema-Test-Suite SanityTests, test262 lint): one function per rule,
 * each problem naming file, JSON path and reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureExists, SUITES_DIR } from './paths.js';
import { referencedRoots } from './templating.js';
import type { ScenarioFile } from './types.js';

export interface LintProblem {
  file: string;
  location: string;
  rule: string;
  message: string;
}

export interface LintContext {
  tags: ReadonlySet<string>;
  requirementIds: ReadonlySet<string>;
}

/** Variables every step may use without a capture (see docs/scenario-format.md). */
export const BUILTIN_VARIABLES = new Set(['base', 'format', 'mime', 'otherFormat', 'otherMime', 'patient', 'patient2', 'invalidNhsNumber', 'settings']);
const MAX_TITLE = 80;

export function readTags(file: string = path.join(SUITES_DIR, 'tags.txt')): Set<string> {
  return new Set(readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

type Rule = (files: readonly ScenarioFile[], ctx: LintContext) => LintProblem[];

const uniqueIds: Rule = (files) => {
  const seen = new Map<string, string>();
  const out: LintProblem[] = [];
  files.forEach((f) => f.scenarios.forEach((s, i) => {
    const first = seen.get(s.id);
    if (first) out.push({ file: f.file, location: `/scenarios/${i}/id`, rule: 'unique-id', message: `scenario id "${s.id}" is already used in ${first}` });
    else seen.set(s.id, f.file);
  }));
  return out;
};

const uniqueTitles: Rule = (files) => {
  const seen = new Map<string, string>();
  const out: LintProblem[] = [];
  files.forEach((f) => f.scenarios.forEach((s, i) => {
    const key = s.title.trim().toLowerCase();
    const first = seen.get(key);
    if (first) out.push({ file: f.file, location: `/scenarios/${i}/title`, rule: 'unique-title', message: `title "${s.title}" is already used in ${first}` });
    else seen.set(key, f.file);
  }));
  return out;
};

const titleStyle: Rule = (files) => {
  const out: LintProblem[] = [];
  files.forEach((f) => f.scenarios.forEach((s, i) => {
    const at = { file: f.file, location: `/scenarios/${i}/title`, rule: 'title-style' };
    if (s.title.length > MAX_TITLE) out.push({ ...at, message: `title is ${s.title.length} characters; keep it under ${MAX_TITLE}` });
    if (/\b(should|must|shall|will)\b/i.test(s.title)) out.push({ ...at, message: `title "${s.title}" states a wish; write what happens in the present tense ("a duplicate create is rejected")` });
    if (/[.!]$/.test(s.title)) out.push({ ...at, message: 'title ends with punctuation' });
  }));
  return out;
};

const knownTags: Rule = (files, ctx) => files.flatMap((f) => f.scenarios.flatMap((s, i) =>
  (s.tags ?? []).flatMap((t, j) => ctx.tags.has(t) ? [] : [{ file: f.file, location: `/scenarios/${i}/tags/${j}`, rule: 'known-tag', message: `tag "${t}" is not in suites/tags.txt` }])));

const knownRequirements: Rule = (files, ctx) => files.flatMap((f) => f.scenarios.flatMap((s, i) =>
  s.requirements.flatMap((r, j) => ctx.requirementIds.has(r) ? [] : [{ file: f.file, location: `/scenarios/${i}/requirements/${j}`, rule: 'known-requirement', message: `requirement "${r}" is not in suites/requirements.yaml` }])));

const fixturesExist: Rule = (files) => files.flatMap((f) => f.scenarios.flatMap((s, i) =>
  s.steps.flatMap((st, j) => st.request.fixture === undefined || fixtureExists(st.request.fixture) ? []
    : [{ file: f.file, location: `/scenarios/${i}/steps/${j}/request/fixture`, rule: 'fixture-exists', message: `fixture "${st.request.fixture}" does not exist under fixtures/` }])));

const capturesDefinedFirst: Rule = (files) => {
  const out: LintProblem[] = [];
  files.forEach((f) => f.scenarios.forEach((s, i) => {
    const defined = new Set<string>();
    s.steps.forEach((st, j) => {
      for (const root of referencedRoots({ request: st.request, expect: st.expect })) {
        if (!BUILTIN_VARIABLES.has(root) && !defined.has(root)) {
          out.push({ file: f.file, location: `/scenarios/${i}/steps/${j}`, rule: 'capture-before-use', message: `{{${root}...}} is used before a step captures "${root}"` });
        }
      }
      for (const c of st.capture ?? []) defined.add(c.name);
    });
  }));
  return out;
};

const parallelExpectations: Rule = (files) => files.flatMap((f) => f.scenarios.flatMap((s, i) => s.steps.flatMap((st, j) => {
  const at = { file: f.file, location: `/scenarios/${i}/steps/${j}`, rule: 'parallel-step' };
  if (st.parallel) {
    const extra = Object.keys(st.expect ?? {}).filter((k) => k !== 'status' && k !== 'statusCount');
    const problems: LintProblem[] = extra.map((k) => ({ ...at, message: `a parallel step checks only status and statusCount, not ${k}` }));
    if (st.capture?.length) problems.push({ ...at, message: 'a parallel step cannot capture values' });
    return problems;
  }
  return st.expect?.statusCount ? [{ ...at, message: 'statusCount needs parallel' }] : [];
})));

export const LINT_RULES: Record<string, Rule> = {
  'unique-id': uniqueIds,
  'unique-title': uniqueTitles,
  'title-style': titleStyle,
  'known-tag': knownTags,
  'known-requirement': knownRequirements,
  'fixture-exists': fixturesExist,
  'capture-before-use': capturesDefinedFirst,
  'parallel-step': parallelExpectations,
};

export function lintSuites(files: readonly ScenarioFile[], ctx: LintContext): LintProblem[] {
  return Object.values(LINT_RULES).flatMap((rule) => rule(files, ctx));
}

export function formatLintProblem(p: LintProblem): string {
  return `${p.file}: ${p.location}: ${p.message} [${p.rule}]`;
}
