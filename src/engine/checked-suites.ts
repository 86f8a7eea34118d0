/** The scenario files as a run uses them: schema-checked on load, then linted; any problem stops the run before it starts. */
import { formatLintProblem, lintSuites, readTags } from './lint.js';
import { loadSuites } from './loader.js';
import { loadRequirements } from './requirements.js';
import type { ScenarioFile } from './types.js';

export class ScenarioDataError extends Error {}

export function loadCheckedSuites(): ScenarioFile[] {
  const files = loadSuites();
  const problems = lintSuites(files, { tags: readTags(), requirementIds: new Set(loadRequirements().map((r) => r.id)) });
  if (problems.length > 0) throw new ScenarioDataError(`scenario lint failed:\n${problems.map(formatLintProblem).join('\n')}`);
  return files;
}
