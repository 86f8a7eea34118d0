/**
 * The report directory is checked before anything runs: a run whose reports cannot be written would test
 * the target and then lose the evidence, so an unusable directory is a usage error (exit 2) up front.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Creates the directory if needed; returns why it cannot hold the reports, or undefined when it can. */
export function reportDirProblem(dir: string): string | undefined {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `the report directory ${path} cannot be created or written (${err.code ?? 'error'}: ${err.message}); choose another with --report-dir`;
  }
}
