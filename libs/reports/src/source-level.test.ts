// Rows whose runs say kdlab.source_level=abstract-only carry a marker and a footnote in the HTML
// table, and every CSV carries the level, so no abstract-only reading passes for a reproduction.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Papa from 'papaparse';
import { buildReport } from './build';
import { loosestSourceLevel } from './convention';
import { syntheticRuns } from './fixtures/synthetic';

describe('source levels in reports', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-source-level-'));
  const runs = syntheticRuns({ seeds: 2 });
  const levels: Record<string, string> = { student: 'official-code', 'student + FD': 'paper', 'student + FitNet': 'abstract-only' };
  for (const r of runs) {
    const level = levels[r.tags['kdlab.method']];
    if (level) r.tags['kdlab.source_level'] = level;
  }
  let page: string;

  beforeAll(async () => {
    const result = await buildReport({ runs, outDir: out, interactive: false });
    page = fs.readFileSync(result.indexHtml, 'utf8');
  });

  it('marks the abstract-only row and only it, with a footnote under the table', () => {
    const rows = page.match(/<tr[^>]*data-source-level="[^"]+"[^>]*><th scope="row" class="method">[^<]*(<sup class="source-mark"[^>]*>)?/g) ?? [];
    const marked = rows.filter((r) => r.includes('source-mark'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('data-source-level="abstract-only"');
    expect(marked[0]).toContain('student + FitNet');
    expect(page).toMatch(/<p class="footnote source-note"[^>]*>\u2020 Abstract-only reading \(student \+ FitNet\)/);
  });

  it('writes the level into the table CSV and runs.csv', () => {
    const table = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(out, 'results.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    const byMethod = new Map(table.map((r) => [r.method, r.source_level]));
    expect(byMethod.get('student + FitNet')).toBe('abstract-only');
    expect(byMethod.get('student + FD')).toBe('paper');
    expect(byMethod.get('student')).toBe('official-code');
    const runsCsv = Papa.parse<Record<string, string>>(fs.readFileSync(path.join(out, 'runs.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(runsCsv.filter((r) => r.method === 'student + FitNet').every((r) => r.source_level === 'abstract-only')).toBe(true);
  });

  it('a row shows the loosest level of its runs', () => {
    expect(loosestSourceLevel(['official-code', 'abstract-only', 'paper'])).toBe('abstract-only');
    expect(loosestSourceLevel(['official-code', undefined, 'paper'])).toBe('paper');
    expect(loosestSourceLevel([undefined])).toBeUndefined();
  });
});
