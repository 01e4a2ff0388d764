// End to end: real runs logged through @kdlab/tracking to the real MLflow
// server (and to a local store), `kdlab report` over each, and the server's
// report opened in headless Chromium.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Papa from 'papaparse';
import { logRuns } from '../fixtures/log-runs';
import { syntheticRuns } from '../fixtures/synthetic';
import { checkReportInChromium } from './browser';

const ROOT = path.resolve(__dirname, '../../../..');
const OUT = path.resolve(__dirname, '../../.e2e-output/e2e');
const XSS = '<script>alert(1)</script>';

function kdlab(...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'tools/cli/bin/kdlab.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

function csvMeans(file: string): Map<string, number> {
  const rows = Papa.parse<Record<string, string>>(fs.readFileSync(file, 'utf8'), { header: true, skipEmptyLines: true }).data;
  return new Map(rows.map((r) => [`${r.method}|${r.metric_key}`, Number(r.mean)]));
}

describe('kdlab report over real runs', () => {
  const server = process.env.KDLAB_TEST_MLFLOW_URI;
  const experiment = `reports-e2e-${process.pid}-${Date.now()}`;
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-store-'));
  const runs = syntheticRuns({ seeds: 2, steps: 120 });
  runs[0].runName = XSS;
  for (const r of runs.filter((x) => x.tags['kdlab.method'] === 'student + FitNet')) r.tags['kdlab.method'] = XSS;
  runs.push({ ...runs[runs.length - 1], runName: 'crashed', status: 'FAILED', startTime: runs[runs.length - 1].startTime + 1 });

  beforeAll(async () => {
    if (!server) throw new Error('KDLAB_TEST_MLFLOW_URI is unset: the MLflow global setup did not run');
    fs.rmSync(OUT, { recursive: true, force: true });
    await logRuns(server, experiment, runs);
    await logRuns(store, experiment, runs);
  });

  afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

  it('builds from the server and renders in Chromium: tables, live charts, run links, no console error', async () => {
    const out = path.join(OUT, 'server');
    const res = kdlab('report', '--from', server!, '--experiment', experiment, '--out', out);
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/report: .*index\.html \(\d+ KiB, 8 runs, 1 tables, 6 charts\)/);
    const page = await checkReportInChromium(path.join(out, 'index.html'), path.join(OUT, 'screenshot.png'), { firstScreen: path.join(OUT, 'first-screen.png') });
    expect(page.consoleErrors).toEqual([]);
    expect(page.pageErrors).toEqual([]);
    expect(page.networkRequests).toEqual([]);
    expect(page.alertFired).toBe(false);
    expect(page.tables).toBe(1);
    expect(page.tableRows).toBe(4);
    expect(page.charts).toBe(6);
    expect(page.liveCharts).toBe(6);
    expect(page.text).toContain(XSS);
    expect(page.text).toContain('1 of 9 runs left out: status not in FINISHED');
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain(`href="${server}/#/experiments/`);
    expect(fs.statSync(path.join(OUT, 'screenshot.png')).size).toBeGreaterThan(10000);
  });

  it('builds from a local store with the same numbers as from the server', () => {
    const out = path.join(OUT, 'local');
    const res = kdlab('report', '--from', store, '--experiment', experiment, '--out', out);
    expect(res.status).toBe(0);
    const local = csvMeans(path.join(out, 'results.csv'));
    const remote = csvMeans(path.join(OUT, 'server', 'results.csv'));
    expect(local.size).toBe(4 * 6);
    for (const [k, v] of local) expect(remote.get(k)).toBeCloseTo(v, 9);
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).not.toContain('href="http');
  });

  it('fails with a message naming the experiment when it does not exist', () => {
    const res = kdlab('report', '--from', store, '--experiment', 'no-such-experiment', '--out', path.join(OUT, 'none'));
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`experiment 'no-such-experiment' not found on ${store}`);
    expect(fs.existsSync(path.join(OUT, 'none'))).toBe(false);
  });
});
