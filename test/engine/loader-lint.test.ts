import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REQUIREMENTS_DOC, renderRequirementsDoc } from '../../src/engine/requirements-doc.js';
import { DataFileError, LINT_RULES, lintSuites, loadRequirements, loadScenarioFile, loadSuites, readTags, uncoveredRequirements } from '../../src/engine/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bad = (name: string): string => path.join(here, 'fixtures', name);
const ctx = { tags: readTags(), requirementIds: new Set(loadRequirements().map((r) => r.id)) };

function loadError(name: string): DataFileError {
  try {
    loadScenarioFile(bad(name));
  } catch (err) {
    if (err instanceof DataFileError) return err;
    throw err;
  }
  throw new Error(`${name} loaded without error`);
}

describe('scenario schema', () => {
  it.each([
    ['schema-status-string.yaml', '/scenarios/0/steps/0/expect/status', 'must be integer or array or object'],
    ['schema-unknown-property.yaml', '/scenarios/0/steps/0/request', 'unknown property "verb"'],
    ['schema-missing-steps.yaml', '/scenarios/0', "must have required property 'steps'"],
    ['schema-fixture-and-body.yaml', '/scenarios/0/steps/0/request', 'must not have both fixture and body'],
    ['schema-bad-patch-op.yaml', '/scenarios/0/steps/0/request/patches/0/op', 'must be one of "set", "remove", "append"'],
  ])('%s fails naming file, path and reason', (name, location, reason) => {
    const err = loadError(name);
    expect(err.message).toBe(`test/engine/fixtures/${name}: ${location}: ${reason}`);
  });

  it('reports a YAML syntax error with line and column', () => {
    const err = loadError('yaml-syntax-error.yaml');
    expect(err.message).toMatch(/^test\/engine\/fixtures\/yaml-syntax-error\.yaml: line \d+, column \d+: YAML syntax error: /);
  });

  it('loads every suite in suites/ with at least 25 distinct scenarios', () => {
    const ids = loadSuites().flatMap((f) => f.scenarios.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(25);
  });
});

describe('lint', () => {
  const lintOne = (...names: string[]) => lintSuites(names.map((n) => loadScenarioFile(bad(n))), ctx);

  it.each([
    ['lint-title-should.yaml', 'title-style', /states a wish/],
    ['lint-unknown-tag.yaml', 'known-tag', /tag "shiny" is not in suites\/tags\.txt/],
    ['lint-unknown-requirement.yaml', 'known-requirement', /"NDOP-REST-999" is not in suites\/requirements\.yaml/],
    ['lint-missing-fixture.yaml', 'fixture-exists', /"requests\/no-such-file\.json" does not exist/],
    ['lint-capture-before-use.yaml', 'capture-before-use', /\{\{created\.\.\.\}\} is used before a step captures "created"/],
    ['lint-parallel-capture.yaml', 'parallel-step', /cannot capture|not resourceType/],
  ])('%s breaks %s', (name, rule, message) => {
    const problems = lintOne(name);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.rule === rule)).toBe(true);
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('finds an id and a title used in two files', () => {
    const rules = lintOne('lint-duplicate-a.yaml', 'lint-duplicate-b.yaml').map((p) => `${p.file} ${p.rule}`);
    expect(rules).toEqual(['test/engine/fixtures/lint-duplicate-b.yaml unique-id', 'test/engine/fixtures/lint-duplicate-b.yaml unique-title']);
  });

  it('has one check per rule and finds nothing in the real suites', () => {
    expect(Object.keys(LINT_RULES).length).toBe(8);
    expect(lintSuites(loadSuites(), ctx)).toEqual([]);
  });
});

describe('requirements traced both ways', () => {
  it('every server MUST/SHALL is verified by a scenario (or says why it cannot be)', () => {
    expect(uncoveredRequirements(loadRequirements(), loadSuites()).map((r) => r.id)).toEqual([]);
  });

  it('a requirement nobody verifies is reported', () => {
    const files = loadSuites().map((f) => ({ ...f, scenarios: f.scenarios.map((s) => ({ ...s, requirements: s.requirements.filter((r) => r !== 'NDOP-BR-001') })) }));
    expect(uncoveredRequirements(loadRequirements(), files).map((r) => r.id)).toEqual(['NDOP-BR-001']);
  });

  it('requirement ids are unique', () => {
    const ids = loadRequirements().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('docs/requirements.md', () => {
  it('is in step with suites/requirements.yaml and the scenarios (regenerate: npx tsx src/engine/requirements-doc.ts)', () => {
    expect(readFileSync(REQUIREMENTS_DOC, 'utf8')).toBe(renderRequirementsDoc(loadRequirements(), loadSuites()));
  });
});
