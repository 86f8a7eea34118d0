#!/usr/bin/env node
// Entry point for `npx ndop-assure`: runs the TypeScript command through tsx, so there is no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
// Large JavaScript dependencies are loaded before tsx's hooks are registered, so that their hundreds of modules
// do not each pass through them (about half a second per run). Runs that start no tests skip vitest.
const startsTests = !args.some((a) => ['--list', '--help', '-h', '--version', '-V'].includes(a));
const PRELOADED = [...(startsTests ? ['vitest/node'] : []), 'yaml', 'ajv', 'fhirpath', 'undici', 'commander'];
await Promise.all(PRELOADED.map((name) => import(name)));
register();
const { main } = await import(fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)));
process.exit(await main(args));
