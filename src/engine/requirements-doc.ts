/**
 * Renders docs/requirements.md from suites/requirements.yaml and the scenarios that verify each requirement.
 * `npx tsx src/engine/requirements-doc.ts` rewrites the file; a test keeps it in step with the data.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSuites } from './loader.js';
import { REPO_ROOT } from './paths.js';
import { loadRequirements, type Requirement } from './requirements.js';
import type { ScenarioFile } from './types.js';

export const REQUIREMENTS_DOC = path.join(REPO_ROOT, 'docs', 'requirements.md');

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

export function renderRequirementsDoc(requirements: readonly Requirement[], files: readonly ScenarioFile[]): string {
  const lines = [
    '# Requirements',
    '',
    '<!-- Generated from suites/requirements.yaml and suites/*.yaml by src/engine/requirements-doc.ts; do not edit by hand. -->',
    '',
    'Each testable statement of the NDOP guide, with the scenarios that verify it. Pages are under the guide\'s `pages/` folder.',
    '',
    '| id | level | actor | statement | source | verified by | interpretation |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of requirements) {
    const scenarios = files.flatMap((f) => f.scenarios.filter((s) => s.requirements.includes(r.id)).map((s) => `\`${s.id}\``));
    const verified = scenarios.length ? scenarios.join(', ') : r.untestable ? `untestable: ${r.untestable}` : r.actor === 'client' ? 'client duty' : 'none';
    const source = r.source.map((s) => `${s.page}${s.section ? ` (${s.section})` : ''}`).join('; ');
    const interpretation = [r.interpretation ?? '', r.setting ? `Setting: \`${r.setting}\`.` : ''].filter(Boolean).join(' ');
    lines.push(`| ${r.id} | ${r.level} | ${r.actor} | ${cell(r.statement)} | ${cell(source)} | ${verified} | ${cell(interpretation)} |`);
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(REQUIREMENTS_DOC, renderRequirementsDoc(loadRequirements(), loadSuites()));
  console.log(`wrote ${path.relative(REPO_ROOT, REQUIREMENTS_DOC)}`);
}
