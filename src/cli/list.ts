/** `--list`: what a run would do, without running it: the scenarios (with formats) and the requirements they verify. */
import type { EngineSettings } from '../config/settings.js';
import { loadSuites } from '../engine/loader.js';
import { loadRequirements } from '../engine/requirements.js';
import { formatsFor } from '../engine/runner.js';

export function listScenarios(settings: EngineSettings, grep?: string): string {
  const pattern = grep ? new RegExp(grep) : undefined;
  const lines: string[] = [];
  const verified = new Set<string>();
  let count = 0;
  for (const file of loadSuites()) {
    const scenarios = file.scenarios.filter((s) => formatsFor(s, settings).some((f) => !pattern || pattern.test(`${s.id} [${f}]`) || pattern.test(s.title)));
    if (scenarios.length === 0) continue;
    lines.push(`${file.file}`);
    for (const s of scenarios) {
      count += 1;
      s.requirements.forEach((r) => verified.add(r));
      lines.push(`  ${s.id} [${formatsFor(s, settings).join(', ')}]  ${s.title}  (${s.requirements.join(', ')})`);
    }
  }
  lines.push('', 'Requirements (server):');
  for (const r of loadRequirements().filter((req) => req.actor === 'server')) {
    lines.push(`  ${r.id} ${r.level.padEnd(6)} ${verified.has(r.id) ? 'tested  ' : 'untested'} ${r.statement}`);
  }
  lines.push('', `${count} scenarios`);
  return lines.join('\n');
}
