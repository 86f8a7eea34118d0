/**
 * Wall time of the whole assurance run (every scenario, both formats, against the embedded
 * reference server, all four reports written under reports/) as a ratio to a bare `vitest run` of one trivial
 * test, both measured here as child processes in interleaved rounds. Target: within 3×.
 * One untimed round first: the first run after an install or an edit builds the bundles and
 * the validator's and V8's caches (its time is shown apart), as a user's first run does.
 *
 *   npx tsx bench/assure.bench.ts   (BENCH_ROUNDS=3 by default)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET_RATIO = 3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = fileURLToPath(new URL('../', import.meta.url));
const scratch = mkdtempSync(join(os.tmpdir(), 'ndop-assure-bench-'));
// The reports go where `npm run assure` writes them, under the project's reports/ (a folder of their own, removed
// afterwards): where a run writes its ~330 Allure files matters (on the machine of bench/README.md, creating a file
// in the much-used /tmp costs ~0.7 ms of kernel time, in the project's folder a few µs).
mkdirSync(join(root, 'reports'), { recursive: true });
const reportScratch = mkdtempSync(join(root, 'reports', '.assure-bench-'));

// The baseline: vitest's own start-up and one trivial test, nothing of ours. A link to our
// node_modules makes its `import 'vitest'` resolve to the same vitest.
const trivialDir = join(scratch, 'trivial');
mkdirSync(trivialDir, { recursive: true });
symlinkSync(join(root, 'node_modules'), join(trivialDir, 'node_modules'), 'dir');
writeFileSync(join(trivialDir, 'trivial.test.js'), "import { test, expect } from 'vitest';\ntest('one', () => expect(1 + 1).toBe(2));\n");
const vitestBin = join(root, 'node_modules', 'vitest', 'vitest.mjs');

function timed(args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited with ${run.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const assureRun = (round: number) => timed([join(root, 'bin', 'ndop-assure.js'), '--report-dir', join(reportScratch, `round-${round}`)], root);
const baseline: number[] = [];
const assure: number[] = [];
let firstRun: number;
try {
  timed([vitestBin, 'run'], trivialDir);
  firstRun = assureRun(-1);
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(timed([vitestBin, 'run'], trivialDir));
    assure.push(assureRun(round));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(reportScratch, { recursive: true, force: true });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpus = os.cpus();
console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, node ${process.version}; ${ROUNDS} interleaved rounds, median`);
const ratio = median(assure) / median(baseline);
console.log(`bare vitest run, one trivial test   ${median(baseline).toFixed(0).padStart(6)} ms  (baseline)`);
console.log(`npm run assure, every scenario × 2  ${median(assure).toFixed(0).padStart(6)} ms  ${ratio.toFixed(2)}× baseline (target ≤ ${TARGET_RATIO}×)  ${ratio <= TARGET_RATIO ? 'ok' : 'ABOVE TARGET'}`);
console.log(`  (untimed first round: ${firstRun.toFixed(0)} ms, with any cache building an install or an edit called for)`);
process.exit(ratio <= TARGET_RATIO ? 0 : 1);
