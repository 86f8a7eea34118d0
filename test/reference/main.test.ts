/** The `npm run reference` entry point: starts, logs one line per request, stops cleanly on SIGTERM and SIGINT. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../src/reference/main.ts', import.meta.url));

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 200; i++) {
      const match = out.match(pattern);
      if (match) return match;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`);
  };
  return { child, exited, waitFor, output: () => out, errors: () => err };
}

describe('npm run reference', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves, logs each request and exits 0 on %s', async (signal) => {
    const server = start(['--port', '0', '--host', '127.0.0.1']);
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const res = await fetch(`${url}/metadata?_format=xml`);
    expect(res.status).toBe(200);
    await res.text();
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    await server.waitFor(/GET \/nowhere 404 [\d.]+ms/);
    expect(server.output()).toMatch(/GET \/metadata 200 [\d.]+ms/);
    server.child.kill(signal);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain(`${signal} received, shutting down`);
  });

  it('refuses a bad port with a usage error', async () => {
    const server = start(['--port', 'eighty']);
    expect(await server.exited).not.toBe(0);
    expect(server.errors()).toContain('a port is a whole number');
  });

  it('reports a port already in use and exits 2', async () => {
    const first = start(['--port', '0']);
    const [, url] = await first.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const port = new URL(url!).port;
    const second = start(['--port', port]);
    expect(await second.exited).toBe(2);
    expect(second.errors()).toContain('cannot start the reference server');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
