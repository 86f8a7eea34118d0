import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, send } from '../../src/transport/index.js';

const options = { connectTimeoutMs: 2_000, bodyTimeoutMs: 300, evidenceBodyLimit: 10, secretHeaders: ['X-Api-Key'] };
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
    if (req.url === '/reset') return void req.socket.destroy();
    if (req.url === '/chunked-200k' || req.url === '/declared-200k') {
      res.writeHead(200, { 'content-type': 'application/fhir+json', ...(req.url === '/declared-200k' ? { 'content-length': '204800' } : {}) });
      for (let i = 0; i < 50; i++) res.write(Buffer.alloc(4096, ' '));
      return void res.end();
    }
    if (req.url === '/trickle') {
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      const timer = setInterval(() => res.write(' '), 50);
      return void res.on('close', () => clearInterval(timer));
    }
    res.setHeader('set-cookie', 'session=secret');
    res.setHeader('content-type', 'text/plain');
    res.end('0123456789abcdef');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('transport', () => {
  it('records the exchange, redacts secrets and truncates long bodies with a note', async () => {
    const x = await send({
      method: 'POST', url: `${base}/ok`, body: 'hello',
      headers: { authorization: 'Bearer abc', 'ssp-authorization': 'jwt', cookie: 'a=b', 'x-api-key': 'k', accept: 'text/plain' },
    }, options);
    expect(x.status).toBe(200);
    expect(x.body).toBe('0123456789abcdef');
    const e = x.evidence;
    expect(e.request).toMatchObject({ method: 'POST', body: 'hello', headers: { authorization: REDACTED, 'ssp-authorization': REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'text/plain' } });
    expect(e.response?.headers['set-cookie']).toBe(REDACTED);
    expect(e.response?.body).toBe('0123456789');
    expect(e.response?.bodyTruncated).toEqual({ originalLength: 16, note: 'body cut at 10 of 16 characters' });
    expect(e.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(e)).not.toMatch(/Bearer abc|session=secret/);
  });

  it('a refused connection is evidence with an error, not a throw', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const x = await send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }, options);
    expect(x.status).toBeUndefined();
    expect(x.evidence.error?.code).toBe('ECONNREFUSED');
  });

  it('a slow server is a timeout error', async () => {
    const x = await send({ method: 'GET', url: `${base}/slow`, headers: {} }, options);
    expect(x.evidence.error).toEqual({ code: 'HEADERS_TIMEOUT', message: 'the target accepted the connection but sent no response headers within 300 ms' });
  });

  it('a body over maxResponseBytes is an error, whether its length is declared or not', async () => {
    for (const path of ['/chunked-200k', '/declared-200k']) {
      const x = await send({ method: 'GET', url: `${base}${path}`, headers: {} }, { ...options, maxResponseBytes: 64 * 1024 });
      expect(x.evidence.error?.code).toBe('RESPONSE_TOO_LARGE');
      expect(x.evidence.error?.message).toMatch(/^the target answered 200 application\/fhir\+json with a body over the limit of 65536 bytes \((Content-Length 204800|more than 65536 bytes received)\); reading stopped there/);
      expect(x.body).toBe('');
    }
    const whole = await send({ method: 'GET', url: `${base}/chunked-200k`, headers: {} }, { ...options, maxResponseBytes: 204800 });
    expect(whole.body).toHaveLength(204800);
  });

  it('a body that keeps trickling ends at the exchange deadline (connect plus body timeout)', async () => {
    const x = await send({ method: 'GET', url: `${base}/trickle`, headers: {} }, { ...options, connectTimeoutMs: 300 });
    expect(x.evidence.error?.code).toBe('RESPONSE_TIMEOUT');
    expect(x.evidence.error?.message).toBe('no complete response within 600 ms (connect timeout plus body timeout); the target was still sending or had not answered');
  });

  it('a reset connection is an error', async () => {
    const x = await send({ method: 'GET', url: `${base}/reset`, headers: {} }, options);
    expect(x.evidence.error).toBeDefined();
  });
});
