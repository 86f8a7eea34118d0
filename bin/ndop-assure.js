#!/usr/bin/env node
// Entry point for `npx ndop-assure`. There is no build step: the command runs from an esbuild bundle of
// src/cli/main.ts that is rebuilt whenever a file it was built from changes (src/build/cached-bundle.js), and
// from the TypeScript through tsx when no bundle can be had (no esbuild, no writable cache).
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { cachedBundle } from '../src/build/cached-bundle.js';

const args = process.argv.slice(2);
// An assurance run lasts a second or two: V8's optimising compiler would spend more compiling hot functions, on the
// cores the run's threads need, than the optimised code gives back (bench/README.md). Interpreter and baseline code
// only, for every thread of this process. Client assurance serves a client for as long as it runs, and tiers the
// user chose (`node --max-opt=4 bin/ndop-assure.js`; Node refuses V8's tier flags in NODE_OPTIONS) stand: both left
// as they are.
const TIER_FLAG = /^--(no-)?(max[-_]opt|opt|turbofan|maglev|sparkplug|jitless|always[-_]turbofan|always[-_]sparkplug)\b/;
const tierChosen = process.execArgv.some((a) => TIER_FLAG.test(a));
if (args[0] !== 'client' && !tierChosen) setFlagsFromString('--max-opt=1');

// EXIT.untestable (src/cli/exit-codes.ts), which this file cannot import: it runs before TypeScript can.
const UNTESTABLE = 3;
try {
  const bundle = await cachedBundle(fileURLToPath(new URL('..', import.meta.url)), 'src/cli/main.ts');
  const { main } = (bundle && (await fromBundle(bundle.url))) || (await throughTsx());
  process.exit(await main(args));
} catch (e) {
  // Never exit 1 (not conformant) for a fault of the tool itself, nor without saying what it was.
  process.stderr.write(`ndop-assure: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(UNTESTABLE);
}

/** The command from its bundle; a bundle that does not load (damaged on disk) is removed, and tsx runs it instead. */
async function fromBundle(url) {
  // Stack traces name the TypeScript sources, as under tsx.
  process.setSourceMapsEnabled(true);
  try {
    return await import(url);
  } catch {
    rmSync(dirname(fileURLToPath(url)), { recursive: true, force: true });
    return undefined;
  }
}

async function throughTsx() {
  // Large JavaScript dependencies are loaded before tsx's hooks are registered, so that their hundreds of modules
  // do not each pass through them (about half a second per run). Runs that start no tests skip vitest.
  const startsTests = !args.some((a) => ['--list', '--help', '-h', '--version', '-V'].includes(a));
  const PRELOADED = [...(startsTests ? ['vitest/node'] : []), 'yaml', 'ajv', 'fhirpath', 'undici', 'commander'];
  await Promise.all(PRELOADED.map((name) => import(name)));
  const { register } = await import('tsx/esm/api');
  register();
  return import(fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)));
}
