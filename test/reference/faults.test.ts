/**
 * The fault catalogue as data (checked on load, each entry joined to its behaviour), applying faults to a
 * server, and the `npm run reference -- --fault / --list-faults` options. Whether the suite catches each
 * fault is test/self-verification's job.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultCatalogueError, faultCatalogue, parseFaultCatalogue } from '../../src/reference/faults/index.js';
import { MemoryConsentStore, startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import { consentFor, postConsent } from './helpers.js';

const behaviours = { 'one-fault': () => undefined, 'other-fault': () => undefined };
const entry = (name: string, extra = '') => `  - name: ${name}\n    breaks: something\n    requirement: NDOP-REST-002\n    interactions: [search-type]\n${extra}`;

describe('the fault catalogue file', () => {
  it('loads every entry with its formats (both when not given)', () => {
    const parsed = parseFaultCatalogue(`faults:\n${entry('one-fault')}${entry('other-fault', '    formats: [xml]\n')}`, behaviours);
    expect(parsed.map((f) => [f.name, f.formats])).toEqual([
      ['one-fault', ['xml', 'json']],
      ['other-fault', ['xml']],
    ]);
  });

  it.each([
    ['a missing field', `faults:\n  - name: one-fault\n    requirement: NDOP-REST-002\n    interactions: [create]\n${entry('other-fault')}`, 'faults[0].breaks: must be a non-empty string'],
    ['an unknown interaction', `faults:\n${entry('one-fault').replace('search-type', 'delete')}${entry('other-fault')}`, 'faults[0].interactions[0]: "delete" is not one of'],
    ['a name listed twice', `faults:\n${entry('one-fault')}${entry('one-fault')}`, 'faults[1].name: "one-fault" is listed twice'],
    ['a name without behaviour', `faults:\n${entry('one-fault')}${entry('other-fault')}${entry('third-fault')}`, 'faults[2].name: "third-fault" has no behaviour'],
    ['a behaviour without entry', `faults:\n${entry('one-fault')}`, 'faults: behaviours.ts has faults the catalogue does not list: other-fault'],
  ])('refuses %s, naming the file and the path', (_what, text, message) => {
    expect(() => parseFaultCatalogue(text, behaviours)).toThrow(FaultCatalogueError);
    expect(() => parseFaultCatalogue(text, behaviours)).toThrow(`src/reference/faults/catalogue.yaml ${message}`);
  });

  it('the shipped catalogue loads', () => {
    expect(faultCatalogue().length).toBeGreaterThanOrEqual(30);
  });
});

describe('applying faults', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('an unknown fault name is refused', async () => {
    await expect(startReferenceServer({ faults: ['no-such-fault'] })).rejects.toThrow('unknown fault "no-such-fault"');
  });

  it('a fault that replaces the store refuses to discard a store the caller or an earlier fault gave', async () => {
    await expect(startReferenceServer({ faults: ['duplicate-check-races'], store: new MemoryConsentStore({ latencyMs: 1 }) })).rejects.toThrow('this fault replaces the store');
    await expect(startReferenceServer({ faults: ['duplicate-accepted', 'update-overwrites-version'] })).rejects.toThrow('fault "update-overwrites-version": this fault replaces the store');
  });

  it('two faults on different seams combine, and each changes only its own behaviour', async () => {
    const server = await startReferenceServer({ faults: ['duplicate-accepted', 'create-answers-200'] });
    servers.push(server);
    const consent = consentFor();
    expect((await postConsent(server.url, consent, 'json')).status).toBe(200);
    expect((await postConsent(server.url, consent, 'json')).status).toBe(200);
    const client = await startReferenceServer({});
    servers.push(client);
    expect((await postConsent(client.url, consent, 'json')).status).toBe(201);
    expect((await postConsent(client.url, consent, 'json')).status).toBe(422);
  });
});

const main = fileURLToPath(new URL('../../src/reference/main.ts', import.meta.url));

function run(args: string[]): { child: ReturnType<typeof spawn>; output: () => string; errors: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { child, output: () => out, errors: () => err, exited: new Promise((resolve) => child.on('exit', resolve)) };
}

describe('npm run reference -- --fault / --list-faults', () => {
  it('--list-faults prints every catalogued fault with its requirement and exits 0', async () => {
    const listing = run(['--list-faults']);
    expect(await listing.exited).toBe(0);
    for (const fault of faultCatalogue()) expect(listing.output()).toMatch(new RegExp(`^${fault.name} +${fault.requirement} +`, 'm'));
  });

  it('--fault starts a server with that fault, and says so in its log', async () => {
    const server = run(['--port', '0', '--fault', 'create-answers-200']);
    try {
      for (let i = 0; i < 200 && !/listening on http/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/[^ ]+)/.exec(server.output())?.[1];
      expect(url, server.errors()).toBeDefined();
      expect(server.output()).toContain('FAULTS INJECTED, this server is deliberately non-conformant: create-answers-200');
      expect((await postConsent(url!, consentFor(), 'json')).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('an unknown --fault is a usage error naming it', async () => {
    const server = run(['--fault', 'no-such-fault']);
    expect(await server.exited).not.toBe(0);
    expect(server.errors()).toContain('unknown fault "no-such-fault"; --list-faults lists them');
  });
});
