/**
 * No false pass on junk: a target that answers every request with the status and headers a conformant
 * server would send, but a body of `{}`, passes no scenario cleanly (a scenario whose only check is at
 * SHOULD level gives a warning, by design). A scenario that only looks at status and headers where the
 * guide requires a resource would pass here.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { loadCheckedSuites } from '../../src/engine/checked-suites.js';
import { PatientSource, runScenario, selectRuns } from '../../src/engine/index.js';
import { sharedValidator } from '../../src/validation/index.js';

let server: http.Server;
let baseUrl = '';

/** The status, Location and ETag of a conformant answer; the media type asked for; a body that is not FHIR. */
function junk(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', baseUrl);
  const asked = `${url.searchParams.get('_format') ?? ''} ${req.headers.accept ?? ''}`;
  const headers: Record<string, string> = { 'content-type': `application/fhir+${asked.includes('xml') ? 'xml' : 'json'}; charset=utf-8`, etag: 'W/"1"' };
  if (req.method === 'POST') headers.location = `${baseUrl}/Consent/${randomUUID()}/_history/1`;
  if (req.method === 'PUT') headers.location = `${baseUrl}${url.pathname}/_history/2`;
  req.resume();
  req.on('end', () => {
    res.writeHead(req.method === 'POST' ? 201 : 200, headers);
    res.end('{}');
  });
}

beforeAll(async () => {
  server = http.createServer(junk);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a target that answers {} to everything', () => {
  it('passes no scenario cleanly in either format', async () => {
    const settings = { ...DEFAULT_SETTINGS, bodyTimeoutMs: 5_000 };
    const ctx = { baseUrl, settings, patients: new PatientSource({ seed: 11 }), validator: sharedValidator };
    const passed: string[] = [];
    for (const run of selectRuns(loadCheckedSuites(), settings)) {
      const result = await runScenario(run.scenario, run.format, ctx);
      if (result.status === 'passed') passed.push(run.name);
    }
    expect(passed).toEqual([]);
  });
});
