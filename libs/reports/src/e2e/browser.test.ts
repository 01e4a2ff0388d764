// The report in a real browser (Debian's headless chromium), built from
// in-memory runs: no console errors, no script from run strings runs, tables
// and every chart render (interactive with JavaScript, static SVG without).
import * as fs from 'fs';
import * as path from 'path';
import { buildReport } from '../build';
import { syntheticRuns } from '../fixtures/synthetic';
import { checkReportInChromium } from './browser';

const OUT = path.resolve(__dirname, '../../.e2e-output/browser');

describe('report in headless Chromium', () => {
  const runs = syntheticRuns({ seeds: 3 });
  for (const r of runs.filter((x) => x.tags['kdlab.method'] === 'student + FitNet')) {
    r.tags['kdlab.method'] = '<script>alert(1)</script>';
    r.runName = '<img src=x onerror=alert(2)>';
  }
  let indexHtml: string;

  beforeAll(async () => {
    fs.rmSync(OUT, { recursive: true, force: true });
    indexHtml = (await buildReport({ runs, outDir: OUT, serverUrl: 'http://127.0.0.1:5000' })).indexHtml;
  });

  it('renders tables and interactive charts with no console error, and run strings stay text', async () => {
    const page = await checkReportInChromium(indexHtml, path.join(OUT, 'screenshot.png'), { firstScreen: path.join(OUT, 'first-screen.png') });
    expect(page.consoleErrors).toEqual([]);
    expect(page.pageErrors).toEqual([]);
    expect(page.networkRequests).toEqual([]);
    expect(page.alertFired).toBe(false);
    expect(page.tables).toBe(1);
    expect(page.tableRows).toBe(4);
    expect(page.boldCells).toBeGreaterThanOrEqual(4);
    expect(page.charts).toBe(6);
    expect(page.staticSvgs).toBe(6);
    expect(page.liveCharts).toBe(6);
    expect(page.text).toContain('<script>alert(1)</script>');
    expect(fs.statSync(path.join(OUT, 'screenshot.png')).size).toBeGreaterThan(10000);
  });

  it('reads without JavaScript: every chart is a static SVG', async () => {
    const page = await checkReportInChromium(indexHtml, path.join(OUT, 'no-js.png'), { javascript: false });
    expect(page.consoleErrors).toEqual([]);
    expect(page.staticSvgs).toBe(6);
    expect(page.liveCharts).toBe(0);
    expect(page.tableRows).toBe(4);
  });
});
