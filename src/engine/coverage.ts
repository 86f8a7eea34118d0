/** Lists requirements no scenario verifies: `npx tsx src/engine/coverage.ts` (exit 1 when a server MUST/SHALL is untested). */
import { loadSuites } from './loader.js';
import { loadRequirements } from './requirements.js';
import { uncoveredRequirements } from './coverage-check.js';
import { DataFileError } from './yaml-data.js';

try {
  const requirements = loadRequirements();
  const files = loadSuites();
  const verified = new Set(files.flatMap((f) => f.scenarios.flatMap((s) => s.requirements)));
  const untested = requirements.filter((r) => !verified.has(r.id));
  const blocking = new Set(uncoveredRequirements(requirements, files).map((r) => r.id));
  console.log(`${requirements.length} requirements, ${requirements.length - untested.length} verified by scenarios, ${untested.length} not:`);
  for (const r of untested) {
    const why = blocking.has(r.id) ? 'MISSING SCENARIO' : r.untestable ? `untestable: ${r.untestable}` : r.actor === 'client' ? 'client duty (client assurance)' : `${r.level}, not required`;
    console.log(`  ${r.id} ${r.level} ${r.actor} - ${r.statement} [${why}]`);
  }
  process.exitCode = blocking.size > 0 ? 1 : 0;
} catch (err) {
  console.error(err instanceof DataFileError ? err.message : String(err));
  process.exitCode = 2;
}
