import type { ReportRun } from '../run';
import { parseSpec } from '../spec';
import { buildTable, tableSpecs } from './table';

let clock = 0;
function run(method: string, seed: number, metrics: Record<string, number>, tags: Record<string, string> = {}): ReportRun {
  clock += 1;
  return {
    runId: `r${clock}`,
    experimentId: '1',
    experimentName: 'e',
    runName: `${method}-${seed}`,
    status: 'FINISHED',
    startTime: clock,
    params: { seed: String(seed) },
    tags: { 'kdlab.method': method, ...tags },
    metrics,
  };
}

const P = 'eval/Set5/x4/psnr';
const S = 'eval/Set5/x4/ssim';

describe('buildTable', () => {
  const runs = [
    run('student', 0, { [P]: 30.0, [S]: 0.85 }, { 'kdlab.baseline': 'true' }),
    run('student', 1, { [P]: 30.2, [S]: 0.86 }, { 'kdlab.baseline': 'true' }),
    run('student + FD', 0, { [P]: 30.4, [S]: 0.87 }),
    run('student + FD', 1, { [P]: 30.6, [S]: 0.87 }),
    run('teacher', 0, { [P]: 31.5, [S]: 0.9 }, { 'kdlab.reference': 'true' }),
    run('student + AT', 0, { [P]: 30.3, [S]: 0.88 }),
    run('student', 0, { [P]: 99 }, { 'kdlab.baseline': 'true', 'kdlab.note': 'failed' }),
  ];
  runs[6].status = 'FAILED';

  it('groups by method, aggregates over seeds and computes Δ against the tagged baseline', () => {
    const spec = parseSpec({});
    const finished = runs.filter((r) => r.status === 'FINISHED');
    const t = buildTable(finished, spec, tableSpecs(spec)[0]);
    expect(t.columns.map((c) => c.key)).toEqual([P, S]);
    expect(t.rows.map((r) => r.label)).toEqual(['student', 'student + FD', 'teacher', 'student + AT']);
    expect(t.baseline).toBe('student');
    const fd = t.rows[1].cells[0];
    expect(fd.stat!.n).toBe(2);
    expect(fd.stat!.mean).toBeCloseTo((30.4 + 30.6) / 2, 12);
    expect(fd.delta!).toBeCloseTo((30.4 + 30.6) / 2 - (30.0 + 30.2) / 2, 12);
    expect(t.rows[0].cells[0].delta).toBeUndefined();
  });

  it('ranks the students and leaves the reference (teacher) row unranked', () => {
    const spec = parseSpec({});
    const t = buildTable(runs.slice(0, 6), spec, tableSpecs(spec)[0]);
    const psnrRanks = t.rows.map((r) => r.cells[0].rank);
    expect(psnrRanks).toEqual([undefined, 1, undefined, 2]);
    const ssimRanks = t.rows.map((r) => r.cells[1].rank);
    expect(ssimRanks).toEqual([undefined, 2, undefined, 1]);
  });

  it('keeps one run per seed: the latest started', () => {
    const spec = parseSpec({});
    const twice = [run('m', 0, { [P]: 10 }), run('m', 0, { [P]: 20 }), run('m', 1, { [P]: 30 })];
    const t = buildTable(twice, spec, tableSpecs(spec)[0]);
    expect(t.rows[0].cells[0].stat!.n).toBe(2);
    expect(t.rows[0].cells[0].stat!.mean).toBeCloseTo(25, 12);
    expect(t.rows[0].cells[0].runIds).toEqual([twice[1].runId, twice[2].runId]);
  });

  it('follows the spec: explicit baseline, row order, datasets and metrics', () => {
    const spec = parseSpec({ baseline: 'student + AT', rowOrder: ['teacher', 'student + AT'], tables: [{ id: 't', metrics: ['psnr'], datasets: ['Set5'], scales: [4] }] });
    const t = buildTable(runs.slice(0, 6), spec, spec.tables![0]);
    expect(t.columns.map((c) => c.key)).toEqual([P]);
    expect(t.rows.slice(0, 2).map((r) => r.label)).toEqual(['teacher', 'student + AT']);
    expect(t.rows.find((r) => r.label === 'student')!.cells[0].delta).toBeCloseTo(30.1 - 30.3, 12);
  });
});

describe('default tables', () => {
  it('one table per scale when runs cover several scales, each with only that scale\'s runs', () => {
    const spec = parseSpec({});
    const runs = [
      run('a', 0, { 'eval/Set5/x2/psnr': 37, 'model/params': 100 }),
      run('a', 0, { 'eval/Set5/x4/psnr': 31, 'model/params': 200 }),
      run('b', 0, { 'eval/Set5/x4/psnr': 32, 'model/params': 300 }),
    ];
    const specs = tableSpecs(spec, runs);
    expect(specs.map((t) => t.id)).toEqual(['x2', 'x4']);
    const x2 = buildTable(runs, spec, specs[0]);
    expect(x2.rows.map((r) => r.label)).toEqual(['a']);
    expect(x2.columns.map((c) => c.key)).toEqual(['eval/Set5/x2/psnr', 'model/params']);
    expect(x2.rows[0].cells[1].stat!.mean).toBe(100);
    const x4 = buildTable(runs, spec, specs[1]);
    expect(x4.rows.map((r) => r.label)).toEqual(['a', 'b']);
    expect(x4.rows[0].cells[1].stat!.mean).toBe(200);
  });
});

describe('keys without a scale (other domains)', () => {
  it('eval/<dataset>/<metric> gives dataset × metric columns, and one table', () => {
    const spec = parseSpec({ tables: [{ id: 'cls', metrics: ['top1'] }] });
    const runs = [run('ce', 0, { 'eval/FashionMNIST/top1': 90.1 }), run('ce + KD', 0, { 'eval/FashionMNIST/top1': 91.3 }), run('ce + KD', 1, { 'eval/FashionMNIST/top1': 91.1 })];
    expect(tableSpecs(parseSpec({}), runs).map((t) => t.id)).toEqual(['results']);
    const t = buildTable(runs, spec, spec.tables![0]);
    expect(t.columns.map((c) => [c.key, c.dataset, c.scale, c.direction])).toEqual([['eval/FashionMNIST/top1', 'FashionMNIST', undefined, 'higher']]);
    expect(t.rows[1].cells[0].stat!.mean).toBeCloseTo((91.3 + 91.1) / 2, 12);
  });
});
