/**
 * The exact issues (order, severities, locations, rules and messages) the validator gives on
 * every guide example, every constraint case and the extra variants, compared with a recorded
 * snapshot. The snapshot was written by the validator before its issue construction was made
 * lazy, so any change in what a person reads shows up here as a diff.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Resource } from '../../src/fhir/index.js';
import { createValidator, PROFILES, type Validator } from '../../src/validation/index.js';
import { applyPatch, readResource, repoRoot, throughFormat, validator, type Format, type PatchOp } from './support.js';

interface Input {
  patch: PatchOp[];
  formats?: Format[];
}
interface Case extends Input {
  description: string;
  base: string;
}
interface Variant extends Input {
  description: string;
  base?: string;
  file?: string;
}

const readYaml = <T>(name: string): T => parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
const cases = readYaml<{ bases: Record<string, { file: string; patch: PatchOp[] }>; cases: Case[] }>('constraint-cases.yaml');
const { variants } = readYaml<{ variants: Variant[] }>('issue-differential-variants.yaml');
const bases = new Map(Object.entries(cases.bases).map(([key, b]) => [key, applyPatch(readResource(b.file), b.patch)]));

function baseOf(name: string, where: string): Resource {
  const base = bases.get(name);
  if (!base) throw new Error(`${where} names unknown base ${name}`);
  return base;
}

const exampleFiles = ['fixtures/consent/', 'test/validation/guide-examples/'].flatMap((dir) =>
  readdirSync(new URL(dir, repoRoot))
    .filter((f) => f.endsWith('.json') || f.endsWith('.xml'))
    .sort()
    .map((f) => dir + f),
);

/** Every input, named, with the resource to validate. */
function inputs(): [string, Resource][] {
  const out: [string, Resource][] = exampleFiles.map((file) => [file, readResource(file)]);
  const patched = (name: string, base: Resource, input: Input): void => {
    for (const format of input.formats ?? (['json', 'xml', 'object'] as const)) out.push([`${name} (${format})`, throughFormat(applyPatch(base, input.patch), format)]);
  };
  for (const c of cases.cases) patched(c.description, baseOf(c.base, `constraint case "${c.description}"`), c);
  for (const v of variants) patched(v.description, v.file ? readResource(v.file) : baseOf(v.base ?? '', `variant "${v.description}"`), v);
  return out;
}

/** The profile each resource type is also checked against, besides validation without one. */
const PROFILE_OF: Record<string, string> = { Consent: PROFILES.consent, OperationOutcome: PROFILES.operationOutcome };

/** One line per input and profile: the issues exactly as returned, in their order. */
function record(validator: Validator): string {
  const lines: string[] = [];
  for (const [name, resource] of inputs()) {
    const own = PROFILE_OF[resource.resourceType];
    for (const profile of own ? [undefined, own] : [undefined]) {
      const issues = validator.validate(resource, profile);
      lines.push(JSON.stringify({ input: name, profile: profile?.split('/').pop() ?? null, issues }));
    }
  }
  return `[\n${lines.join(',\n')}\n]\n`;
}

describe('issue differential', () => {
  it('gives the recorded issues, in the recorded order, on every input', async () => {
    await expect(record(validator())).toMatchFileSnapshot('issue-differential.snapshot.json');
  });

  // The compiled-validator cache must not change a single issue: compiled in memory, compiled and
  // written to an empty cache, and loaded from that cache by the next validator.
  it('gives the same issues compiled in memory, compiled into the cache and loaded from it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ndop-validator-cache-'));
    try {
      const inMemory = createValidator({ cacheDir: false });
      const compiled = createValidator({ cacheDir });
      const loaded = createValidator({ cacheDir });
      expect([inMemory.loadedFromCache(), compiled.loadedFromCache(), loaded.loadedFromCache()]).toEqual([false, false, true]);
      for (const v of [inMemory, compiled, loaded]) await expect(record(v)).toMatchFileSnapshot('issue-differential.snapshot.json');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
