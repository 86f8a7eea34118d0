/**
 * The command runs from a cached esbuild bundle of its sources, and hands the scenario spec a bundle of what it
 * runs (src/build/cached-bundle.js). These tests run it from a copy of the project, whose node_modules links to the
 * real packages but keeps its own cache: a bundle is built once and reused, an edit to any source it was built
 * from is in the next run, modules still find their files from their own location, and without esbuild or a
 * writable cache the command and the spec run from the TypeScript as before.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedBundle } from '../../src/build/cached-bundle.js';
import { ROOT, type Run } from '../support/cli.js';

const COPIED = ['bin', 'src', 'reporters', 'suites', 'profiles', 'fixtures', 'package.json', 'tsconfig.json'];
const scratch = mkdtempSync(join(tmpdir(), 'ndop-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A copy of the project with node_modules of links to the real packages, and no cache. */
function projectCopy(leaveOut: string[] = []): string {
  const dir = join(scratch, `project-${++copies}`);
  for (const name of COPIED) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '.cache' || leaveOut.includes(name)) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return dir;
}

const cacheDirOf = (project: string) => join(project, 'node_modules', '.cache', 'ndop-assure', 'bundles');
const isBundle = (dir: string) => existsSync(join(dir, 'entry.mjs')) || existsSync(join(dir, 'entry.cjs'));
const bundlesIn = (project: string) =>
  existsSync(cacheDirOf(project)) ? readdirSync(cacheDirOf(project)).filter((name) => isBundle(join(cacheDirOf(project), name))).sort() : [];
/**
 * Bundles are directories named <entry>-<sources>: the command's (entry.mjs and its chunks) and the scenario
 * runtime's (entry.cjs, with entry.cjs.v8-cache once a run has saved its compiled code).
 */
const entriesBundled = (project: string) => new Set(bundlesIn(project).map((name) => name.split('-')[0])).size;
const CAPABILITY_RUN = ['--grep', '^capability-statement', '--format', 'json'];

function run(project: string, args: string[]): Promise<Run> {
  const started = Date.now();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NDOP_|VITEST)/.test(k)));
  return new Promise((resolve) => {
    execFile(process.execPath, [join(project, 'bin', 'ndop-assure.js'), ...args], { cwd: project, env }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

describe('the command bundle', () => {
  let project: string;
  beforeEach(() => {
    project = projectCopy();
  });

  it('is built by the first run and reused by the next, with the same output', async () => {
    const first = await run(project, ['--help']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Assure an NDOP (National Data Opt-out) FHIR STU3 server');
    const [bundle] = bundlesIn(project);
    expect(bundlesIn(project)).toHaveLength(1);
    const written = statSync(join(cacheDirOf(project), bundle!)).mtimeMs;

    const second = await run(project, ['--help']);
    expect(second).toMatchObject({ code: 0, stdout: first.stdout, stderr: first.stderr });
    expect(bundlesIn(project)).toEqual([bundle]);
    expect(statSync(join(cacheDirOf(project), bundle!)).mtimeMs).toBe(written);
  });

  it('is built again when a file of it is missing, and a bundle that does not load is not run', async () => {
    const listing = await run(project, ['--list']);
    expect(listing.code).toBe(0);
    const [bundle] = bundlesIn(project);
    const dir = join(cacheDirOf(project), bundle!);
    const chunk = readdirSync(dir).find((name) => name.startsWith('client-command-'))!;
    // A chunk imported only by the client mode: a run would fail only when it got there.
    unlinkSync(join(dir, chunk));
    expect(await run(project, ['--list'])).toMatchObject({ code: 0, stdout: listing.stdout });
    expect(readdirSync(join(cacheDirOf(project), bundlesIn(project)[0]!))).toContain(chunk);
    // An entry that cannot be imported: the bundle is dropped and the command runs through tsx, with the same output.
    writeFileSync(join(cacheDirOf(project), bundlesIn(project)[0]!, 'entry.mjs'), 'export const main = ;');
    expect(await run(project, ['--list'])).toMatchObject({ code: 0, stdout: listing.stdout });
  });

  it('is rebuilt when a source it was built from changes, and the next run shows the change', async () => {
    expect((await run(project, ['--list'])).stdout).toContain('Requirements (server):');
    expect(await run(project, [...CAPABILITY_RUN, '--report-dir', join(project, 'before')])).toMatchObject({ code: 0, stderr: '' });
    const before = bundlesIn(project);
    expect(entriesBundled(project)).toBe(2);

    // The entry module, a module three imports below it, and one the scenario spec runs in its worker.
    edit(join(project, 'src', 'cli', 'main.ts'), "'Assure an NDOP", "'Edited: assure an NDOP");
    edit(join(project, 'src', 'cli', 'list.ts'), "'Requirements (server):'", "'Edited requirements (server):'");
    edit(join(project, 'src', 'engine', 'runner.ts'), '  let vars: Variables;\n', "  let vars: Variables;\n  if (scenario.id === 'capability-statement') throw new Error('edited runner');\n");
    const help = await run(project, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Edited: assure an NDOP');
    const list = await run(project, ['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Edited requirements (server):');
    const edited = await run(project, [...CAPABILITY_RUN, '--report-dir', join(project, 'after')]);
    expect(edited.code).toBe(3);
    expect(edited.stdout).toMatch(/^ERROR capability-statement \[json\].*\n\s+edited runner$/m);
    // Both bundles were built again: none of the earlier ones ran.
    expect(bundlesIn(project).filter((name) => before.includes(name))).toHaveLength(before.length);
    expect(bundlesIn(project)).toHaveLength(before.length * 2);
  });

  it('lets every module find its files from its own source, not from the bundle', async () => {
    // The version comes from the project's package.json, the scenarios from its suites/ (both located from the module).
    const packageJson = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ ...packageJson, version: '9.8.7-copy' }));
    edit(join(project, 'suites', 'create.yaml'), 'title: ', 'title: Copied suite - ');
    expect((await run(project, ['--version'])).stdout.trim()).toBe('9.8.7-copy');
    const list = await run(project, ['--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Copied suite - ');
    expect(bundlesIn(project)).toHaveLength(1);

    // A whole run: the embedded reference server (its capability statement, fault catalogue and profiles are data
    // files beside its modules) and the four reports.
    const reports = join(project, 'reports');
    const assured = await run(project, ['--grep', '^capability-', '--format', 'json', '--report-dir', reports]);
    expect(assured.stderr).toBe('');
    expect(assured.code).toBe(0);
    expect(assured.stdout).toMatch(/^CONFORMANT/m);
    expect(readdirSync(reports).sort()).toEqual(['allure-results', 'assurance-report.html', 'assurance-report.json', 'junit.xml']);
    expect(entriesBundled(project)).toBe(2);
  });

  it("keeps the scenario runtime's compiled code after a run, for the next run to start from", async () => {
    const runtimeCache = () => {
      const [runtime] = bundlesIn(project).filter((name) => existsSync(join(cacheDirOf(project), name, 'entry.cjs')));
      return join(cacheDirOf(project), runtime!, 'entry.cjs.v8-cache');
    };
    const first = await run(project, [...CAPABILITY_RUN, '--report-dir', join(project, 'first')]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const written = statSync(runtimeCache()).mtimeMs;
    const second = await run(project, [...CAPABILITY_RUN, '--report-dir', join(project, 'second')]);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout.replaceAll(/\(\d+ ms\)|:\d{4,5}\b|\/(first|second)\b/g, '')).toBe(first.stdout.replaceAll(/\(\d+ ms\)|:\d{4,5}\b|\/(first|second)\b/g, ''));
    // Taken as it was: a cache V8 refused would have been written again.
    expect(statSync(runtimeCache()).mtimeMs).toBe(written);
  });

  it('is written whole: concurrent first runs all succeed and leave one bundle and no temporary files', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => run(project, ['--version'])));
    for (const r of runs) expect(r).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).version}\n`, stderr: '' });
    expect(bundlesIn(project)).toHaveLength(1);
    expect(readdirSync(cacheDirOf(project)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('without a bundle the command runs through tsx, as before', () => {
  it('when the cache directory cannot be made', async () => {
    const project = projectCopy();
    writeFileSync(join(project, 'node_modules', '.cache'), 'not a directory');
    const help = await run(project, ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Assure an NDOP (National Data Opt-out) FHIR STU3 server');
    const list = await run(project, ['--grep', 'no-such-scenario']);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('no scenario matches --grep "no-such-scenario"');
    // The spec imports its runtime from the sources.
    const assured = await run(project, [...CAPABILITY_RUN, '--report-dir', join(project, 'reports')]);
    expect(assured).toMatchObject({ code: 0, stderr: '' });
    expect(assured.stdout).toMatch(/^CONFORMANT/m);
  });

  it('when esbuild is not installed beside the project', async () => {
    const project = projectCopy(['esbuild']);
    const version = await run(project, ['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).version);
    expect(existsSync(cacheDirOf(project))).toBe(false);
  });
});

describe('cachedBundle', () => {
  it.each([
    ['src/cli/main.ts', {}],
    ['suites/scenario-runtime.ts', { kind: 'script', external: ['ajv'] }],
  ] as const)('bundles %s as the project has it (a build that fails would fall back silently)', async (entry, how) => {
    const cacheDir = join(scratch, 'cache-of-the-project');
    const first = await cachedBundle(ROOT, entry, { cacheDir, ...how });
    expect(first?.built).toBe(true);
    const again = await cachedBundle(ROOT, entry, { cacheDir, ...how });
    expect(again).toEqual({ url: first!.url, built: false });
    // No module of the bundle still asks where it is: each was given its own location.
    expect(readFileSync(new URL(first!.url), 'utf8')).not.toMatch(/\bimport\.meta\b/);
  });

  it('makes a script one CommonJS file with its packages inside, apart from those named external', async () => {
    const cacheDir = join(scratch, 'cache-of-the-script');
    const script = await cachedBundle(ROOT, 'suites/scenario-runtime.ts', { cacheDir, kind: 'script', external: ['ajv'] });
    expect(script?.url).toMatch(/\/entry\.cjs$/);
    expect(readdirSync(new URL('.', script!.url)).sort()).toEqual(['entry.cjs', 'files.json']);
    const text = readFileSync(new URL(script!.url), 'utf8');
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!).filter((name) => !name.startsWith('node:') && !isBuiltin(name)));
    // Node's own modules (some of a later Node than this, such as node:sqlite, required only where present), and ajv.
    expect([...required]).toEqual(['ajv/dist/compile/codegen/index.js']);
    expect(text).not.toMatch(/^\s*(import|export) /m);
    // The same entry as a module is another bundle: kinds do not share one.
    const module = await cachedBundle(ROOT, 'suites/scenario-runtime.ts', { cacheDir });
    expect(module?.url).toMatch(/\/entry\.mjs$/);
  });

  it("rebuilds a script when a package file inside it, or the package's package.json, changes", async () => {
    const project = projectCopy(['fast-xml-parser']);
    cpSync(join(ROOT, 'node_modules', 'fast-xml-parser'), join(project, 'node_modules', 'fast-xml-parser'), { recursive: true, dereference: true });
    const how = { kind: 'script', external: ['ajv'] } as const;
    const first = await cachedBundle(project, 'suites/scenario-runtime.ts', how);
    expect(first?.built).toBe(true);
    expect((await cachedBundle(project, 'suites/scenario-runtime.ts', how))?.built).toBe(false);
    // The file its ES module entry point names (what an import of the package resolves to).
    const entry = join(project, 'node_modules', 'fast-xml-parser', 'src', 'fxp.js');
    writeFileSync(entry, `${readFileSync(entry, 'utf8')}\n// patched\n`);
    const patched = await cachedBundle(project, 'suites/scenario-runtime.ts', how);
    expect(patched).toMatchObject({ built: true });
    expect(patched!.url).not.toBe(first!.url);

    // Its package.json alone: its exports decide which of the package's files an import resolves to.
    const manifest = join(project, 'node_modules', 'fast-xml-parser', 'package.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), description: 'patched' }));
    const repackaged = await cachedBundle(project, 'suites/scenario-runtime.ts', how);
    expect(repackaged).toMatchObject({ built: true });
    expect(repackaged!.url).not.toBe(patched!.url);
  });

  it('rebuilds when a file appears beside one it was built from (it could change what an import resolves to)', async () => {
    const project = projectCopy();
    expect((await cachedBundle(project, 'src/cli/main.ts'))?.built).toBe(true);
    expect((await cachedBundle(project, 'src/cli/main.ts'))?.built).toBe(false);
    writeFileSync(join(project, 'src', 'cli', 'new-module.ts'), 'export const added = 1;\n');
    expect((await cachedBundle(project, 'src/cli/main.ts'))?.built).toBe(true);
    unlinkSync(join(project, 'src', 'cli', 'new-module.ts'));
    expect((await cachedBundle(project, 'src/cli/main.ts'))?.built).toBe(false);
  });

  it('refuses a module that uses import.meta beyond its url', async () => {
    const project = projectCopy();
    edit(join(project, 'src', 'cli', 'exit-codes.ts'), '\n', '\nexport const here = import.meta.dirname;\n');
    expect(await cachedBundle(project, 'src/cli/main.ts')).toBeUndefined();
  });
});
