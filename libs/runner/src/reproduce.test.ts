import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Papa from 'papaparse';
import { buildBackbone, countParams } from '@kdlab/backbones';
import { createTracker } from '@kdlab/tracking';
import { buildTable, meanStd, runReproduction, tableCsv, type Reproduction } from './reproduce';
import { registerTask } from './registry';
import type { RunResult } from './run-dir';
import { toyTask } from './testing/toy-task';

registerTask(toyTask);

const result = (seed: number, v: number): RunResult =>
  ({ seed, metrics: { 'eval/a/psnr': v }, runId: `r${seed}` }) as unknown as RunResult;

describe('reproduction tables', () => {
  it('mean and sample standard deviation (n - 1)', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
  });

  it('one CSV line per method: "mean ± std" with n, just the mean for one seed (or equal values), empty when missing', () => {
    const rows = [
      { method: 'two seeds', files: [], seeds: [0, 1], name: 'a' },
      { method: 'one seed', files: [], seeds: [0], name: 'b' },
      { method: 'no runs', files: [], seeds: [], name: 'c' },
    ];
    const columns = [{ key: 'eval/a/psnr', label: 'A PSNR', decimals: 2 }];
    const table = buildTable(rows, columns, new Map([['two seeds', [result(0, 30.004), result(1, 30.5)]], ['one seed', [result(0, 28)]]]));
    const parsed = Papa.parse<Record<string, string>>(tableCsv(table, columns).trim(), { header: true }).data;
    expect(parsed.map((r) => [r.method, r.n, r.seeds, r['A PSNR']])).toEqual([
      ['two seeds', '2', '0 1', '30.25 ± 0.35'],
      ['one seed', '1', '0', '28.00'],
      ['no runs', '0', '', ''],
    ]);
    expect(Number(parsed[0]['A PSNR mean'])).toBeCloseTo(30.252, 10);
  });

  it('rows that share a label (one per fold) make one table row over all their runs', () => {
    const rows = [
      { method: 'm', files: ['fold-a'], seeds: [0], name: 'a-m' },
      { method: 'm', files: ['fold-b'], seeds: [0], name: 'b-m' },
      { method: 'other', files: [], seeds: [0], name: 'o' },
    ];
    const columns = [{ key: 'eval/a/psnr', label: 'A PSNR', decimals: 2 }];
    const table = buildTable(rows, columns, new Map([['m', [result(0, 1), result(0, 3)]], ['other', [result(0, 5)]]]));
    expect(table.map((r) => [r.method, r.n, r.cells['eval/a/psnr']?.mean])).toEqual([['m', 2, 2], ['other', 1, 5]]);
  });

  it('runs every row and seed through the runner and writes table.csv (re-running skips finished runs)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-repro-'));
    const base = path.join(tmp, 'base.yaml');
    fs.writeFileSync(base, 'experiment: toy-repro\ntask: toy\nseed: 0\ndata: {}\nstudent: { model: { arch: edsr, blocks: 1, channels: 4 } }\nkd: { terms: [{ name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }] }\noptim: { optimizer: { kind: adam, lr: 0.01 } }\ntrain: { steps: 3 }\nsource: { level: paper, reference: toy paper }\n');
    const nearest = path.join(tmp, 'nearest.yaml');
    fs.writeFileSync(nearest, "student: { model: null, baseline: nearest }\nsource: { level: abstract-only, reference: 'toy abstract' }\n");
    const repro: Reproduction = {
      name: 'toy',
      description: 'toy',
      experiment: 'toy-repro',
      rows: [
        { method: 'nearest', files: [base, nearest], seeds: [0], name: 'nearest' },
        { method: 'student', files: [base], seeds: [0, 1], name: 'student' },
      ],
      columns: [
        { key: 'eval/toy/mae', label: 'MAE', decimals: 3 },
        { key: 'model/params', label: 'params', decimals: 0 },
      ],
      outDir: 'unused',
    };
    const opts = { runsDir: path.join(tmp, 'runs'), cacheDir: path.join(tmp, 'cache'), trackingUri: path.join(tmp, 'mlruns'), outDir: path.join(tmp, 'out'), log: () => undefined };
    const done = await runReproduction(repro, opts);
    const csv = Papa.parse<Record<string, string>>(fs.readFileSync(done.csvFile, 'utf8').trim(), { header: true }).data;
    expect(csv.map((r) => [r.method, r.n])).toEqual([['nearest', '1'], ['student', '2']]);
    expect(csv[0].MAE).toBe('0.000');
    // Each row says how close its method is to the source, and the commit its runs were made at.
    expect(csv.map((r) => r.source)).toEqual(['abstract-only', 'paper']);
    for (const r of csv) expect(r.commit).toMatch(/^([0-9a-f]{40}(\+dirty)?|unknown)$/);
    expect(csv[1].MAE).toMatch(/^\d\.\d{3} ± \d\.\d{3}$/);
    // Model size comes from what the tracking store holds (no size for a baseline); equal values print without "± 0".
    const runs0Params = countParams(buildBackbone({ arch: 'edsr', blocks: 1, channels: 4, scale: 2 }, 0));
    expect(csv.map((r) => r.params)).toEqual(['', String(runs0Params)]);
    const runs = await createTracker(opts.trackingUri).searchRuns({ experiment: 'toy-repro' });
    expect(runs.map((r) => r.tags['kdlab.method']).sort()).toEqual(['nearest', 'student', 'student']);
    await runReproduction(repro, opts);
    expect(await createTracker(opts.trackingUri).searchRuns({ experiment: 'toy-repro' })).toHaveLength(3);
  });
});
