import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../reporters/html.js';
import type { AssuranceReport } from '../../reporters/report-types.js';
import { launchBrowser } from '../support/browser.js';

const sample: AssuranceReport = JSON.parse(readFileSync(new URL('./sample-report.json', import.meta.url), 'utf8'));
const screenshotDir = join(process.cwd(), 'reports', 'screenshots');

describe('HTML report in a real browser', () => {
  let browser: Browser;
  let reportUrl: string;

  beforeAll(async () => {
    const dir = join(tmpdir(), `ndop-report-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'assurance-report.html');
    writeFileSync(file, renderHtmlReport(sample));
    reportUrl = pathToFileURL(file).href;
    mkdirSync(screenshotDir, { recursive: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`shows the verdict and the failed step's evidence at ${name} width`, async () => {
      const page = await browser.newPage({ viewport });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(reportUrl);
      await expect.poll(() => page.getByTestId('verdict').textContent()).toBe('Not conformant');
      expect(await page.getByTestId('verdict').isVisible()).toBe(true);
      const failedScenario = page.locator('#s-create-basic-xml');
      expect(await failedScenario.getAttribute('open')).not.toBeNull();
      expect(await failedScenario.getByText('Unexpected response status: expected 201, but received 200').first().isVisible()).toBe(true);
      expect(await failedScenario.getByText('POST http://127.0.0.1:4080/Consent').isVisible()).toBe(true);
      expect(await failedScenario.locator('pre.curl').isVisible()).toBe(true);
      // Nothing scrolls sideways at this width but the evidence blocks themselves.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      // Self-contained: the page asked for nothing but itself.
      expect(requests.filter((u) => u !== reportUrl)).toEqual([]);
      await page.screenshot({ path: join(screenshotDir, `sample-report-${name}.png`), fullPage: false });
      await page.close();
    });
  }

  it('filters scenarios by status', async () => {
    const page = await browser.newPage();
    await page.goto(reportUrl);
    await page.getByRole('button', { name: /^Failed/ }).click();
    expect(await page.locator('#s-create-basic-xml').isVisible()).toBe(true);
    expect(await page.locator('#s-search-empty-json').isVisible()).toBe(false);
    await page.getByRole('button', { name: /^All/ }).click();
    expect(await page.locator('#s-search-empty-json').isVisible()).toBe(true);
    await page.close();
  });
});
