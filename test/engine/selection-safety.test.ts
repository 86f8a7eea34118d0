/** Opt-in suites run only when named; write scenarios run only against loopback targets unless writes are allowed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type EngineSettings } from '../../src/config/settings.js';
import { loadSuites } from '../../src/engine/loader.js';
import { OptInError, selectRuns, suiteOf } from '../../src/engine/selection.js';
import type { Scenario, ScenarioFile } from '../../src/engine/types.js';
import { isLoopback, writeRefusal, writes } from '../../src/engine/write-safety.js';

const read: Scenario = { id: 'read-only', title: 'a search returns a bundle', requirements: ['NDOP-REST-002'], steps: [{ name: 'search', request: { method: 'GET', path: '/Consent' } }] };
const write: Scenario = { id: 'writes', title: 'a create returns 201', requirements: ['NDOP-REST-005'], steps: [{ name: 'create', request: { method: 'POST', path: '/Consent' } }] };
const files: ScenarioFile[] = [
  { file: 'suites/plain.yaml', scenarios: [read, write] },
  { file: 'suites/security.yaml', optIn: true, scenarios: [{ ...read, id: 'security-read' }] },
];
const settings = (s: Partial<EngineSettings>): EngineSettings => ({ ...DEFAULT_SETTINGS, ...s });
const ids = (s: EngineSettings) => [...new Set(selectRuns(files, s).map((r) => r.scenario.id))];

describe('opt-in suites', () => {
  it('are left out unless the run names them, whatever --grep says', () => {
    expect(ids(settings({}))).toEqual(['read-only', 'writes']);
    expect(selectRuns(files, settings({}), '^security-')).toEqual([]);
    expect(ids(settings({ optIn: ['security'] }))).toEqual(['read-only', 'writes', 'security-read']);
    expect(suiteOf(files[1]!)).toBe('security');
  });

  it('refuses a name that is no opt-in suite, listing the ones there are', () => {
    expect(() => selectRuns(files, settings({ optIn: ['secuirty'] }))).toThrow(new OptInError('--opt-in: "secuirty" is not an opt-in suite (opt-in suites: security)'));
    expect(() => selectRuns(files, settings({ optIn: ['plain'] }))).toThrow(OptInError);
  });

  it('the repository’s security suite is opt-in, and the default run does not include it', () => {
    const suites = loadSuites();
    expect(suites.filter((f) => f.optIn).map(suiteOf)).toEqual(['security']);
    expect(selectRuns(suites, DEFAULT_SETTINGS).some((r) => r.file.optIn)).toBe(false);
    expect(selectRuns(suites, settings({ optIn: ['security'] })).some((r) => suiteOf(r.file) === 'security')).toBe(true);
  });
});

describe('write safety', () => {
  it.each([
    ['http://127.0.0.1:8080', true],
    ['https://127.5.6.7/STU3', true],
    ['http://localhost:4080', true],
    ['http://ndop.localhost', true],
    ['http://[::1]:9000', true],
    ['https://ndop.int.spine.example.nhs.uk/STU3', false],
    ['http://10.0.0.5', false],
    ['http://127.example.com', false],
  ])('%s is loopback: %s', (url, loopback) => {
    expect(isLoopback(url)).toBe(loopback);
  });

  it('knows a scenario writes when any step POSTs, PUTs, PATCHes or DELETEs', () => {
    expect([writes(read), writes(write)]).toEqual([false, true]);
  });

  it('refuses writes to a remote target unless allowed, naming the switch', () => {
    const remote = settings({ targetUrl: 'https://ndop.int.example.nhs.uk/STU3' });
    const message = writeRefusal(selectRuns(files, remote), remote);
    expect(message).toBe(
      '2 of the 4 selected scenario runs write to the target (writes), and ndop.int.example.nhs.uk is not a loopback address. ' +
        'Writes there need --allow-writes (or NDOP_ALLOW_WRITES=true, or allowWrites: true in the configuration file). Nothing was sent.',
    );
    expect(writeRefusal(selectRuns(files, remote), { ...remote, allowWrites: true })).toBeUndefined();
    expect(writeRefusal(selectRuns(files, remote, '^read-only'), remote)).toBeUndefined();
    expect(writeRefusal(selectRuns(files, settings({})), settings({}))).toBeUndefined();
    expect(writeRefusal(selectRuns(files, settings({ targetUrl: 'http://127.0.0.1:1' })), settings({ targetUrl: 'http://127.0.0.1:1' }))).toBeUndefined();
  });
});
