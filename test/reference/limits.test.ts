/** Bodies that are too large, too slow or unlabelled, sent with raw node:http so nothing is tidied up on the way. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference/index.js';
import type { RunningServer } from '../../src/reference/index.js';
import { MIME, body, consentFor, expectOutcome } from './helpers.js';

interface RawResult {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Sends `chunks` with `gapMs` between them; resolves with the response, whenever it comes. */
function raw(url: string, headers: Record<string, string | number>, chunks: Buffer[], gapMs = 0): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/Consent`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, text }));
    });
    req.on('error', reject);
    let i = 0;
    const next = () => {
      if (req.destroyed) return;
      if (i === chunks.length) return void req.end();
      req.write(chunks[i++]);
      if (gapMs > 0) setTimeout(next, gapMs);
      else next();
    };
    next();
  });
}

let server: RunningServer;
let small: RunningServer;
beforeAll(async () => {
  server = await startReferenceServer();
  small = await startReferenceServer({ maxBodyBytes: 2048, bodyTimeoutMs: 300 });
});
afterAll(async () => {
  await server.close();
  await small.close();
});

describe('request body limits', () => {
  it('refuses a body over the default 1 MiB: 413 too-costly INVALID_REQUEST_MESSAGE, and goes on serving', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const res = await raw(server.url, { 'content-type': MIME.json, accept: MIME.xml, 'content-length': big.length }, [big]);
    expectOutcome(res, { status: 413, code: 'too-costly', details: 'INVALID_REQUEST_MESSAGE' }, 'xml');
    const ok = await raw(server.url, { 'content-type': MIME.json }, [Buffer.from(body(consentFor(), 'json'))]);
    expect(ok.status).toBe(201);
  });

  it('refuses a chunked body that grows past the configured limit', async () => {
    const chunk = Buffer.alloc(1000, 0x20);
    const res = await raw(small.url, { 'content-type': MIME.json, 'transfer-encoding': 'chunked' }, [chunk, chunk, chunk]);
    expectOutcome(res, { status: 413, code: 'too-costly', details: 'INVALID_REQUEST_MESSAGE' }, 'json');
  });

  it('answers a body declared far over the limit at once, without reading it', async () => {
    const res = await new Promise<RawResult>((resolve, reject) => {
      const req = httpRequest(`${small.url}/Consent`, { method: 'POST', headers: { 'content-type': MIME.json, 'content-length': 50 * 1024 * 1024 } }, (r) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers as Record<string, string>, text }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(100, 0x20));
    });
    expectOutcome(res, { status: 413, code: 'too-costly', details: 'INVALID_REQUEST_MESSAGE' }, 'json');
    expect(res.headers.connection).toBe('close');
  });

  it('gives up on a body that trickles in too slowly: 408 timeout, as an OperationOutcome', async () => {
    const text = Buffer.from(body(consentFor(), 'json'));
    const pieces = Array.from({ length: 8 }, (_, i) => text.subarray((i * text.length) / 8, ((i + 1) * text.length) / 8));
    const started = Date.now();
    const res = await raw(small.url, { 'content-type': MIME.json, 'content-length': text.length }, pieces, 100);
    expectOutcome(res, { status: 408, code: 'timeout', details: 'INVALID_REQUEST_MESSAGE' }, 'json');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a body without Content-Type: 415 not-supported UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await raw(server.url, { accept: MIME.xml }, [Buffer.from(body(consentFor(), 'json'))]);
    expectOutcome(res, { status: 415, code: 'not-supported', details: 'UNSUPPORTED_MEDIA_TYPE' }, 'xml');
  });

  it('reads a body that is not UTF-8 text as a malformed message, not a crash', async () => {
    const res = await raw(server.url, { 'content-type': MIME.xml }, [Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x00, 0x43])]);
    expectOutcome(res, { status: 400, code: 'structure', details: 'MESSAGE_NOT_WELL_FORMED' }, 'xml');
  });
});

describe('clients that go away', () => {
  it('a client that disconnects half-way through its body leaves the server serving', async () => {
    const lines: string[] = [];
    const watched = await startReferenceServer({ log: (l) => lines.push(l) });
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${watched.url}/Consent`, { method: 'POST', headers: { 'content-type': MIME.json, 'content-length': 5000 } });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(100, 0x20), () => setTimeout(() => req.destroy(), 50));
      });
      for (let i = 0; i < 50 && !lines.some((l) => l.includes('client-gone')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(lines.some((l) => /^POST \/Consent client-gone/.test(l))).toBe(true);
      const ok = await raw(watched.url, { 'content-type': MIME.json }, [Buffer.from(body(consentFor(), 'json'))]);
      expect(ok.status).toBe(201);
    } finally {
      await watched.close();
    }
  });
});

describe('requests Node itself cannot parse', () => {
  async function rawSocket(url: string, bytes: string): Promise<string> {
    const { connect } = await import('node:net');
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
  }

  function asResult(response: string): RawResult {
    const [head, ...rest] = response.split('\r\n\r\n');
    const [statusLine, ...lines] = head!.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    return { status: Number(statusLine!.split(' ')[1]), headers, text: rest.join('\r\n\r\n') };
  }

  it('a garbage request line gets 400 invalid BAD_REQUEST as an OperationOutcome', async () => {
    const res = asResult(await rawSocket(server.url, 'HELLO THERE\r\n\r\n'));
    expectOutcome(res, { status: 400, code: 'invalid', details: 'BAD_REQUEST' }, 'json');
  });

  it('oversized headers get 431 too-costly INVALID_REQUEST_MESSAGE', async () => {
    const res = asResult(await rawSocket(server.url, `GET /metadata HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expectOutcome(res, { status: 431, code: 'too-costly', details: 'INVALID_REQUEST_MESSAGE' }, 'json');
  });
});

describe('absurd nesting', () => {
  it.each([
    // JSON.parse copes with the depth; the codec then refuses the shape.
    ['json', `{"resourceType":"Consent","extension":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, 'INVALID_RESOURCE'],
    // The XML parser refuses the depth itself.
    ['xml', `<Consent xmlns="http://hl7.org/fhir">${'<extension url="x">'.repeat(30_000)}${'</extension>'.repeat(30_000)}</Consent>`, 'MESSAGE_NOT_WELL_FORMED'],
  ] as const)('a deeply nested %s body is refused with 400, not a crash', async (format, text, details) => {
    const res = await raw(server.url, { 'content-type': MIME[format], accept: MIME[format] }, [Buffer.from(text)]);
    expectOutcome(res, { status: 400, code: 'structure', details }, format);
    expect((await raw(server.url, { 'content-type': MIME.json }, [Buffer.from(body(consentFor(), 'json'))])).status).toBe(201);
  });
});
