// Opens a built report in headless Chromium (Debian's /usr/bin/chromium,
// never a downloaded browser) from disk, with a fresh profile and no network
// features, and reports what a reader would see: console errors, tables,
// static and interactive charts; saves a full-page screenshot.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';

export const CHROMIUM = process.env.KDLAB_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface PageCheck {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests that left file:// (there must be none: the report is self-contained). */
  networkRequests: string[];
  tables: number;
  tableRows: number;
  boldCells: number;
  charts: number;
  staticSvgs: number;
  liveCharts: number;
  title: string;
  /** Text of the page, for content assertions. */
  text: string;
  alertFired: boolean;
}

export async function checkReportInChromium(indexHtml: string, screenshot: string, opts: { javascript?: boolean; /** Also save the first screen (1280×900) here. */ firstScreen?: string } = {}): Promise<PageCheck> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run \`bash tools/provision/setup.sh --with-browser\``);
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // The profile directory is passed as --user-data-dir by playwright.
    args: CHROMIUM_ARGS,
    javaScriptEnabled: opts.javascript ?? true,
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const networkRequests: string[] = [];
    let alertFired = false;
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('dialog', (d) => {
      alertFired = true;
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) networkRequests.push(r.url());
    });
    await page.goto(pathToFileURL(indexHtml).toString(), { waitUntil: 'load' });
    const charts = await page.locator('figure.chart').count();
    if ((opts.javascript ?? true) && charts > 0) {
      // vega-embed renders asynchronously; wait until every chart went live or failed.
      await page.waitForFunction(
        (n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('figure.chart.is-live').length >= n,
        charts,
        { timeout: 30000 },
      ).catch(() => undefined);
    }
    const result: PageCheck = {
      consoleErrors,
      pageErrors,
      networkRequests,
      tables: await page.locator('table.results').count(),
      tableRows: await page.locator('table.results tbody tr').count(),
      boldCells: await page.locator('table.results td strong').count(),
      charts,
      staticSvgs: await page.locator('figure.chart .chart-static svg').count(),
      liveCharts: await page.locator('figure.chart.is-live .chart-live svg').count(),
      title: await page.title(),
      text: await page.locator('body').innerText(),
      alertFired,
    };
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    if (opts.firstScreen) await page.screenshot({ path: opts.firstScreen });
    return result;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
