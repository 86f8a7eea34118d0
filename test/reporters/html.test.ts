import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { curlCommand, prettyBody } from '../../reporters/evidence-format.js';
import { renderHtmlReport } from '../../reporters/html.js';
import type { AssuranceReport } from '../../reporters/report-types.js';

const sample: AssuranceReport = JSON.parse(readFileSync(new URL('./sample-report.json', import.meta.url), 'utf8'));

describe('HTML assurance report', () => {
  const html = renderHtmlReport(sample);

  it('states the verdict in the banner', () => {
    expect(html).toMatch(/<header class="banner non-conformant"[^>]*>\s*<div class="verdict"[^>]*>Not conformant<\/div>/);
  });

  it('is self-contained: no external resources of any kind', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('escapes evidence so a hostile target cannot inject markup', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('lists failed scenarios before passed ones and opens them', () => {
    const failedAt = html.indexOf('id="s-create-basic-xml"');
    expect(failedAt).toBeGreaterThan(0);
    expect(html.slice(failedAt, failedAt + 200)).toMatch(/data-status="failed" open/);
    expect(html).toMatch(/id="s-search-empty-json" data-status="passed">/);
  });

  it('shows the failing request, response and a curl command that reproduces it', () => {
    expect(html).toContain('POST http://127.0.0.1:4080/Consent');
    expect(html).toContain('HTTP 200');
    expect(html).toContain('Unexpected response status: expected 201, but received 200');
    expect(html).toContain('curl -sS -i -X POST &#39;http://127.0.0.1:4080/Consent&#39;');
  });

  it('shows the reason a step errored', () => {
    expect(html).toContain('The target did not answer within 5000 ms (body timeout)');
  });

  it('links each requirement to the scenarios that verify it', () => {
    expect(html).toMatch(/<code>NDOP-REST-010<\/code>.*<a href="#s-create-basic-xml">create-basic<\/a>/s);
  });
});

describe('evidence formatting', () => {
  it('pretty-prints JSON and XML bodies and leaves other text alone', () => {
    expect(prettyBody('{"a":{"b":1}}')).toBe('{\n  "a": {\n    "b": 1\n  }\n}');
    expect(prettyBody('<a><b value="1"/></a>')).toBe('<a>\n  <b value="1"/>\n</a>');
    expect(prettyBody('<html><body>oops')).toContain('oops');
    expect(prettyBody('plain text', { 'Content-Type': 'text/plain' })).toBe('plain text');
  });

  it('quotes curl arguments so that any body replays byte for byte in a POSIX shell', () => {
    const cmd = curlCommand({ method: 'POST', url: 'http://h/Consent', headers: { 'Content-Length': '3', 'X-A': "it's" }, body: "a'b" });
    expect(cmd).toBe(`curl -sS -i -X POST 'http://h/Consent' -H 'X-A: it'\\''s' --data-binary 'a'\\''b'`);
  });
});

describe('HTML report ordering', () => {
  it('puts suites with failures before suites that passed', () => {
    const html = renderHtmlReport(sample);
    expect(html.indexOf('<h3>create</h3>')).toBeLessThan(html.indexOf('<h3>search</h3>'));
    expect(html.indexOf('<h3>history</h3>')).toBeLessThan(html.indexOf('<h3>search</h3>'));
  });
});
