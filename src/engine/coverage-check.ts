/** Requirements traced both ways: server MUST/SHALL duties without a scenario. */
import type { Requirement } from './requirements.js';
import type { ScenarioFile } from './types.js';

export function uncoveredRequirements(requirements: readonly Requirement[], files: readonly ScenarioFile[]): Requirement[] {
  const verified = new Set(files.flatMap((f) => f.scenarios.flatMap((s) => s.requirements)));
  return requirements.filter((r) => r.actor === 'server' && (r.level === 'MUST' || r.level === 'SHALL') && !r.untestable && !verified.has(r.id));
}
