import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Papa from 'papaparse';
import { buildReport } from './build';
import { syntheticRuns } from './fixtures/synthetic';

const XSS = '<script>alert(1)</script>';

describe('buildReport (in memory, no browser)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-report-'));
  const runs = syntheticRuns({ seeds: 2 });
  runs[0].runName = XSS;
  runs[2].params.note = `<img src=x onerror=alert(2)>`;
  for (const r of runs) r.tags['mlflow.source.name'] = 'https://alice:s3cret@git.example/repo';
  let result: Awaited<ReturnType<typeof buildReport>>;
  let page: string;

  beforeAll(async () => {
    result = await buildReport({ runs, outDir: out, serverUrl: 'http://bob:hunter2@127.0.0.1:5000' });
    page = fs.readFileSync(result.indexHtml, 'utf8');
  });

  it('writes index.html, one CSV per table and runs.csv', () => {
    expect(fs.readdirSync(out).sort()).toEqual(['index.html', 'results.csv', 'runs.csv']);
    expect(result.tables).toHaveLength(1);
    expect(result.charts.map((c) => c.id)).toEqual(['curve-0', 'curve-1', 'tradeoff-0', 'tradeoff-1', 'per-image-0', 'per-image-1']);
  });

  it('escapes run strings: a run named <script> is text', () => {
    expect(page).not.toContain(XSS);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('never shows credentials', () => {
    for (const f of fs.readdirSync(out)) {
      const text = fs.readFileSync(path.join(out, f), 'utf8');
      expect(text).not.toMatch(/hunter2|s3cret|bob:|alice:/);
    }
    expect(page).toContain('http://127.0.0.1:5000/#/experiments/1/runs/');
  });

  it('is self-contained: scripts inline, no external URL loaded', () => {
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+href=/i);
    expect(page).toMatch(/Content-Security-Policy/);
    // Every chart has a static SVG.
    expect((page.match(/<div class="chart-static"><svg/g) ?? []).length).toBe(result.charts.length);
  });

  it('states the checkpoint selection, conventions and provenance', () => {
    expect(page).toContain('checkpoint selection: <strong>last-epoch</strong>');
    expect(page).toContain('PSNR and SSIM on the Y channel');
    expect(page).toContain('0123456789abcdef0123456789abcdef01234567');
    expect(page).toContain('tfjs-node');
  });

  it('the table CSV parses back to the numbers in the table', () => {
    const parsed = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(out, 'results.csv'), 'utf8'), { header: true, skipEmptyLines: true });
    const t = result.tables[0];
    expect(parsed.data).toHaveLength(t.rows.length * t.columns.length);
    const fd = parsed.data.find((d) => d.method === 'student + FD' && d.metric_key === 'eval/Set5/x4/psnr')!;
    const cell = t.rows.find((r) => r.label === 'student + FD')!.cells[t.columns.findIndex((c) => c.key === 'eval/Set5/x4/psnr')];
    expect(Number(fd.mean)).toBeCloseTo(cell.stat!.mean, 9);
    expect(Number(fd.n)).toBe(2);
    expect(fd.run_ids.split(' ')).toEqual(cell.runIds);
  });

  it('a static build (no JavaScript) is much smaller and has no script but the data block', async () => {
    const small = await buildReport({ runs, outDir: path.join(out, 'static'), interactive: false });
    expect(small.bytes).toBeLessThan(result.bytes / 2);
    expect(fs.readFileSync(small.indexHtml, 'utf8')).not.toMatch(/<script>/);
  });
});
