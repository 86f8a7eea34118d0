/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured: requests go through a small CONNECT proxy made
 * here (mutual TLS still works inside the tunnel), and NO_PROXY sends them direct.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningServer } from '../../src/reference/index.js';
import { connectionTls, send, type ConnectionTls } from '../../src/transport/index.js';
import { makeTestPki } from '../support/certificates.js';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));

let proxy: Server;
let proxyUrl: string;
/** The host:port of every tunnel the proxy opened. */
const tunnels: string[] = [];
let https: RunningServer;
let http: RunningServer;
let tls: ConnectionTls;

beforeAll(async () => {
  const pki = makeTestPki();
  tls = connectionTls({ passphraseEnv: 'NDOP_TLS_PASSPHRASE', cert: pki.clientCert, key: pki.clientKey, ca: pki.ca });
  https = await startReferenceServer({ port: 0, tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca } });
  http = await startReferenceServer({ port: 0 });
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

afterAll(async () => {
  await https?.close();
  await http?.close();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
});

function metadata(url: string) {
  return send(
    { method: 'GET', url: `${url}/metadata`, headers: { accept: 'application/fhir+json' } },
    { connectTimeoutMs: 5_000, bodyTimeoutMs: 5_000, evidenceBodyLimit: 1024, secretHeaders: [], tls },
  );
}

function setProxy(variables: Record<string, string>): void {
  for (const name of PROXY_VARIABLES) delete process.env[name];
  Object.assign(process.env, variables);
}

describe('proxy from the environment', () => {
  it('sends an https request through HTTPS_PROXY, with the client certificate inside the tunnel', async () => {
    setProxy({ HTTPS_PROXY: proxyUrl });
    const before = tunnels.length;
    const x = await metadata(https.url);
    expect(x.status, JSON.stringify(x.evidence.error)).toBe(200);
    expect(tunnels.slice(before)).toEqual([new URL(https.url).host]);
  });

  it('sends an http request through HTTP_PROXY', async () => {
    setProxy({ HTTP_PROXY: proxyUrl });
    const before = tunnels.length;
    expect((await metadata(http.url)).status).toBe(200);
    expect(tunnels.slice(before)).toEqual([new URL(http.url).host]);
  });

  it('goes direct for a host in NO_PROXY', async () => {
    setProxy({ HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    const before = tunnels.length;
    expect((await metadata(https.url)).status).toBe(200);
    expect(tunnels.length).toBe(before);
  });

  it('goes direct with no proxy variable set', async () => {
    setProxy({});
    const before = tunnels.length;
    expect((await metadata(https.url)).status).toBe(200);
    expect(tunnels.length).toBe(before);
  });
});
