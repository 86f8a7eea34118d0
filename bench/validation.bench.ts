/**
 * Validation throughput: our validator (NDOP-Consent-1, compiled once) against the `fhir`
 * package's STU3 validator (FHIR.js, base STU3 only) on the same Consents, measured in the same
 * run, interleaved. Run: npx tsx bench/validation.bench.ts
 * Targets (issue 2): >= 50,000 validations/s of a Consent on one core, and >= 20x FHIR.js.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fhirJs from 'fhir';
import { parse } from 'yaml';
import { parseJson, type Resource } from '../src/fhir/index.js';
import { createValidator, PROFILES } from '../src/validation/index.js';
import { applyPatch, readResource, type PatchOp } from '../test/validation/support.js';

const TARGET_RATE = 50_000;
const TARGET_RATIO = 20;
const ROUND_MS = 1_000;
const ROUNDS = 3;

/** FHIR.js with HL7's official STU3 definitions (the fhir-stu3 package), as its README sets it up. */
function fhirJsValidator(): (resource: object) => unknown {
  const require = createRequire(import.meta.url);
  const stu3 = join(dirname(require.resolve('fhir-stu3/package.json')), 'profiles', 'stu3');
  const parser = new fhirJs.ParseConformance(false, fhirJs.Versions.STU3);
  for (const file of ['profiles-types.json', 'profiles-resources.json', 'valuesets.json', 'v3-codesystems.json']) {
    parser.parseBundle(JSON.parse(readFileSync(join(stu3, file), 'utf8')));
  }
  const fhir = new fhirJs.Fhir(parser);
  return (resource) => fhir.validate(resource, {});
}

/** The Consents of the constraint cases: one valid base and each single-defect variant. */
function consentSet(): { valid: Resource[]; invalid: Resource[] } {
  const data = parse(readFileSync(new URL('../test/validation/constraint-cases.yaml', import.meta.url), 'utf8')) as {
    bases: Record<string, { file: string; patch: PatchOp[] }>;
    cases: { base: string; patch: PatchOp[] }[];
  };
  const base = applyPatch(readResource(data.bases.consent!.file), data.bases.consent!.patch);
  const valid = [base, readResource('fixtures/consent/Consent-Example-1.json'), readResource('fixtures/consent/Consent-Example-2.xml')];
  const invalid = data.cases.filter((c) => c.base === 'consent').map((c) => applyPatch(base, c.patch));
  return { valid: valid.map(asReceived), invalid: invalid.map(asReceived) };
}

/**
 * A resource as a server receives it: JSON text read by the codec (or by JSON.parse where the
 * codec refuses the defect). Patched objects themselves would be unfair inputs: deleting a
 * property leaves a V8 object in slow dictionary mode.
 */
function asReceived(resource: Resource): Resource {
  const text = JSON.stringify(resource);
  try {
    return parseJson(text);
  } catch {
    return JSON.parse(text) as Resource;
  }
}

/** Validations per second over `resources`, cycling for ROUND_MS. */
function rate(run: (r: Resource) => unknown, resources: Resource[]): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ROUND_MS) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (const r of resources) run(r);
    n += resources.length;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function compare(name: string, resources: Resource[], ours: (r: Resource) => unknown, theirs: (r: Resource) => unknown): boolean {
  // FHIR.js gets its own copies (it may annotate what it reads); ours reads the codec's objects as they are.
  const mine = resources;
  const other = resources.map((r) => structuredClone(r));
  rate(ours, mine);
  rate(theirs, other);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    a.push(rate(ours, mine));
    b.push(rate(theirs, other));
  }
  const oursRate = median(a);
  const theirRate = median(b);
  const ratio = oursRate / theirRate;
  const ok = oursRate >= TARGET_RATE && ratio >= TARGET_RATIO;
  console.log(
    `${name} (${resources.length} resource${resources.length > 1 ? 's' : ''}): ndop-assure ${Math.round(oursRate).toLocaleString('en-GB')}/s, ` +
      `FHIR.js ${Math.round(theirRate).toLocaleString('en-GB')}/s, ratio ${ratio.toFixed(1)}x ${ok ? 'ok' : `BELOW TARGET (${TARGET_RATE}/s and ${TARGET_RATIO}x)`}`,
  );
  return ok;
}

const sets = ['published', 'corrected', 'guide-like', 'mixed'] as const;
const only = process.argv[2] === '--set' ? process.argv[3] : undefined;

if (only === undefined) {
  // Each comparison runs in a fresh process, so that the shapes and code paths one set trains
  // into either validator's JIT never slow down (or flatter) the next.
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`machine: ${availableParallelism()} cores available, ${cpu}, node ${process.version}; one core used`);
  let failed = 0;
  for (const set of sets) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--set', set], { stdio: 'inherit' });
    if (child.status !== 0) failed++;
  }
  process.exit(failed === 0 ? 0 : 1);
}

const validator = createValidator();
const ours = (r: Resource): unknown => validator.validate(r, PROFILES.consent);
const theirs = fhirJsValidator();
const { valid, invalid } = consentSet();
const example = readResource('fixtures/consent/Consent-Example-1.json');
const chosen: Record<(typeof sets)[number], [string, Resource[]]> = {
  published: ['Consent-Example-1 as published (2 warnings)', [example]],
  corrected: ['Consent-Example-1 corrected (valid)', [valid[0]!]],
  'guide-like': ['guide-like Consents (no errors)', valid],
  mixed: [`valid + single-defect Consents (${invalid.length} defects)`, [...valid, ...invalid]],
};
const [name, resources] = chosen[only as (typeof sets)[number]] ?? [];
if (!name || !resources) throw new Error(`unknown set ${only}; expected one of ${sets.join(', ')}`);
const errors = resources.map((r) => validator.validate(r, PROFILES.consent).filter((i) => i.severity === 'error').length);
console.log(`${name}: ${errors.filter((n) => n > 0).length} of ${resources.length} with errors`);
process.exit(compare(name, resources, ours, theirs) ? 0 : 1);
