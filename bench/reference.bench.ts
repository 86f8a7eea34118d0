/**
 * Requests per second of the reference server for search and for create (autocannon, loopback),
 * against a bare node:http server answering a fixed searchset Bundle, all measured in this run.
 * Each server runs in its own child process (this file with --serve), so the load generator and the
 * server under test do not share a core. Target: each rate at least 40% of the bare server's.
 *
 *   npx tsx bench/reference.bench.ts   (BENCH_SECONDS=3, BENCH_ROUNDS=3, BENCH_CONNECTIONS=10 by default)
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { completeNhsNumber } from '../src/fhir/nhs-number.js';
import { startReferenceServer } from '../src/reference/index.js';

const TARGET_RATIO = 0.4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PDS = 'https://demographics.spineservices.nhs.uk/STU3/Patient/';
const FIXTURE_PATIENT = `${PDS}6105551234`;
const template = readFileSync(new URL('../fixtures/consent/Consent-Example-1.json', import.meta.url), 'utf8');

/** Consent-Example-1 for the n-th synthetic patient of the 999 range, as a JSON body. */
function consentBody(n: number): string {
  for (let serial = n; ; serial += 1_000_000) {
    const nhs = completeNhsNumber(`9${String(serial % 100_000_000).padStart(8, '0')}`);
    if (nhs) return template.replaceAll(FIXTURE_PATIENT, PDS + nhs);
    n += 1;
  }
}

async function serve(kind: string): Promise<void> {
  if (kind === 'reference') {
    const server = await startReferenceServer({ port: 0 });
    process.send?.({ url: server.url });
    return;
  }
  // The baseline: the cheapest possible answer with the same bytes a search returns.
  const bundle = process.env.BENCH_BUNDLE ?? '{}';
  const server = createServer((req, res) => {
    // Read the whole request body, as the reference server must, then answer the fixed Bundle.
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/fhir+json; charset=utf-8', 'Content-Length': Buffer.byteLength(bundle) });
      res.end(bundle);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.send?.({ url: `http://127.0.0.1:${address.port}` });
  });
}

function spawnServer(kind: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve({ url: m.url, child }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

interface Rate {
  name: string;
  rps: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Rate> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return { name, rps: result.requests.average, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

async function run(): Promise<number> {
  const reference = await spawnServer('reference');
  const patient = `${PDS}9990000018`;
  // One stored Consent so that search returns a one-entry Bundle; it also warms up the validator.
  const made = await fetch(`${reference.url}/Consent`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: template.replaceAll(FIXTURE_PATIENT, patient) });
  if (made.status !== 201) throw new Error(`warm-up create failed: ${made.status} ${await made.text()}`);
  const searchPath = `/Consent?patient=${patient}`;
  const bundle = await (await fetch(reference.url + searchPath)).text();
  const bare = await spawnServer('bare', { BENCH_BUNDLE: bundle });

  // Each operation is measured twice with the very same request stream: against the reference server
  // and against the bare server. The load generator's own cost (a fresh body per create) then weighs
  // on both sides alike, and the ratio is the server's alone.
  let counter = 1_000;
  const createRequests = (): autocannon.Options['requests'] => [
    {
      method: 'POST',
      path: '/Consent',
      headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
      // A new patient for every request, or all but the first would be duplicates.
      setupRequest: (request) => ({ ...request, body: consentBody(counter++) }),
    },
  ];
  const operations: Array<{ name: string; options: (base: string) => autocannon.Options }> = [
    { name: 'search', options: (base) => ({ url: base + searchPath }) },
    { name: 'create', options: (base) => ({ url: base, requests: createRequests() }) },
  ];
  const servers = [
    { label: 'bare node:http, fixed Bundle', url: bare.url },
    { label: 'reference server', url: reference.url },
  ];
  // Rounds interleave every measurement so that load from elsewhere on a shared machine hits them
  // alike; each figure is the median of its rounds.
  const samples = new Map<string, Rate[]>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of operations) {
        for (const server of servers) {
          const key = `${op.name}|${server.label}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(key, op.options(server.url))]);
        }
      }
    }
  } finally {
    reference.child.kill();
    bare.child.kill();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const rateOf = (key: string): Rate => {
    const runs = samples.get(key)!;
    return { name: key, rps: median(runs.map((r) => r.rps)), non2xx: runs.reduce((n, r) => n + r.non2xx, 0), errors: runs.reduce((n, r) => n + r.errors, 0) };
  };

  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`load: autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per measurement (median shown), loopback`);
  let failed = 0;
  for (const op of operations) {
    const bareRate = rateOf(`${op.name}|${servers[0]!.label}`);
    const refRate = rateOf(`${op.name}|${servers[1]!.label}`);
    const ratio = refRate.rps / bareRate.rps;
    const ok = ratio >= TARGET_RATIO && refRate.non2xx === 0 && refRate.errors === 0 && bareRate.errors === 0;
    if (!ok) failed++;
    console.log(
      `${op.name.padEnd(7)} reference ${refRate.rps.toFixed(0).padStart(7)} req/s, bare ${bareRate.rps.toFixed(0).padStart(7)} req/s: ` +
        `${(ratio * 100).toFixed(1).padStart(5)}% of bare (target ${TARGET_RATIO * 100}%)  non-2xx ${refRate.non2xx}  errors ${refRate.errors}  ${ok ? 'ok' : 'BELOW TARGET'}`,
    );
  }
  return failed === 0 ? 0 : 1;
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) await serve(process.argv[serveIndex + 1] ?? 'bare');
else process.exit(await run());
