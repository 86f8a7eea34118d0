/** The ndop-assure command as a child process, as users and CI run it, and the files a run writes. */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/ndop-assure.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the command with only the variables a user would set: none of the NDOP_* or proxy variables of the test process leak in. */
export function ndopAssure(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Run> {
  const started = Date.now();
  const inherited = /^(NDOP_|VITEST|HTTPS?_PROXY$|NO_PROXY$)/i;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !inherited.test(k)));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...clean, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
