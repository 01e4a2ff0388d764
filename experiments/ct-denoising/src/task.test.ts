import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { loadManifest, verifyDataset } from '@kdlab/data';
import { ctTask } from './task';
import { scoreCt } from './metrics';
import { loadNdctSlices, lowDoseSlice, simulationKey, simulationRecord } from './pairs';
import { ctDataSchema, ctEvalSchema, simulationSchema } from './schema';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-ct-'));
process.env.KDLAB_CT_CACHE = path.join(tmp, 'cache');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Small and fast: 128 px slices (pooled by 4), 96 views.
const SIM = simulationSchema.parse({ views: 96 });

describe('CT split', () => {
  it('splits by patient: no patient in two parts, every file checksummed', () => {
    const patientsOf = (name: string) => new Set(loadManifest(name).files.map((f) => (f.path.startsWith('popi') ? 'POPI' : f.path.split('/')[1])));
    const [train, val, test] = ['ct-train', 'ct-val', 'ct-test'].map(patientsOf);
    expect([train.size, val.size, test.size]).toEqual([6, 1, 4]);
    for (const p of test) expect(train.has(p) || val.has(p)).toBe(false);
    for (const p of val) expect(train.has(p)).toBe(false);
    expect(verifyDataset('ct-test').files).toBe(8);
    expect(loadManifest('aapm-ldct').files).toEqual([]);
  });
});

describe('simulated pairs', () => {
  const slice = loadNdctSlices('ct-test', 4)[0];

  it('are cached by a key holding every simulation parameter, and read back identical', () => {
    const a = lowDoseSlice(slice, 4, SIM, 0.25);
    expect(a.cached).toBe(false);
    const b = lowDoseSlice(slice, 4, SIM, 0.25);
    expect(b.cached).toBe(true);
    expect(b.key).toBe(a.key);
    expect(Buffer.from(b.hu.buffer).equals(Buffer.from(a.hu.buffer))).toBe(true);
    const keyOf = (sim: typeof SIM, dose = 0.25, down = 4) => simulationKey(simulationRecord(slice, down, sim, dose));
    const changed = [
      keyOf({ ...SIM, i0: 2e5 }), keyOf({ ...SIM, electronicNoise: 0 }), keyOf({ ...SIM, views: 97 }), keyOf({ ...SIM, filter: 'shepp-logan' }),
      keyOf({ ...SIM, muWater: 0.02 }), keyOf({ ...SIM, countFloor: 0.5 }), keyOf({ ...SIM, seed: 1 }), keyOf(SIM, 0.1), keyOf(SIM, 0.25, 2),
    ];
    expect(new Set([a.key, ...changed]).size).toBe(changed.length + 1);
    // The sidecar records the parameters for people.
    const sidecar = JSON.parse(fs.readFileSync(path.join(process.env.KDLAB_CT_CACHE!, a.key.slice(0, 2), `${a.key}.json`), 'utf8'));
    expect(sidecar).toMatchObject({ i0: 1e5, dose: 0.25, views: 96, filter: 'ramp', name: slice.name });
  });

  it('are noisier at lower dose', () => {
    const hi = lowDoseSlice(slice, 4, SIM, 0.25).hu;
    const lo = lowDoseSlice(slice, 4, SIM, 0.1).hu;
    const rmse = (x: Float32Array) => scoreCt(slice.hu, x, slice.n, [-1000, 1000]).rmse;
    expect(rmse(lo)).toBeGreaterThan(rmse(hi));
  });
});

describe('metrics', () => {
  it('are perfect for identical slices and follow the window', () => {
    const n = 32;
    const a = Float32Array.from({ length: n * n }, (_, i) => (i % 7) * 40 - 100);
    const same = scoreCt(a, a, n, [-160, 240]);
    expect(same).toEqual({ rmse: 0, psnr: Infinity, ssim: 1 });
    // A 20 HU offset inside the window: RMSE 20, PSNR 20 log10(400 / 20).
    const b = Float32Array.from(a, (v) => v + 20);
    const s = scoreCt(Float32Array.from(a, () => 0), Float32Array.from(b, () => 20), n, [-160, 240]);
    expect(s.rmse).toBeCloseTo(20, 6);
    expect(s.psnr).toBeCloseTo(20 * Math.log10(400 / 20), 6);
    // Outside the window both clip to the edge: no error.
    expect(scoreCt(Float32Array.from(a, () => -900), Float32Array.from(a, () => -500), n, [-160, 240]).rmse).toBe(0);
  });
});

describe('ct-denoise task', () => {
  const data = ctDataSchema.parse({ train: ['ct-test'], trainLimit: 2, test: ['ct-test'], downsample: 4, simulation: { views: 96 }, doses: [0.25], testDoses: [0.25, 0.1], patch: 32, batch: 3, teacherInput: 'ndct' });

  it('streams LDCT input, NDCT target and the NDCT teacher input, deterministically for a seed', async () => {
    const inst = await ctTask.create(data, ctEvalSchema.parse({ limit: 1 }));
    const a = inst.trainStream(new Rng(4)).next();
    const b = inst.trainStream(new Rng(4)).next();
    expect(a.input.shape).toEqual([3, 32, 32, 1]);
    expect(a.teacherInput!.shape).toEqual([3, 32, 32, 1]);
    expect(Array.from(a.input.dataSync())).toEqual(Array.from(b.input.dataSync()));
    // teacher input = target (NDCT), and the LDCT input differs from it (noise).
    expect(Array.from(a.teacherInput!.dataSync())).toEqual(Array.from(a.target.dataSync()));
    expect(Array.from(a.input.dataSync())).not.toEqual(Array.from(a.target.dataSync()));
    const provenance = inst.datasets();
    expect(provenance.map((d) => d.name)).toEqual(['ct-test', 'ct-test-lowdose', 'ct-test-lowdose']);
    expect(JSON.parse(inst.tags['kdlab.ct_simulation'])).toMatchObject({ geometry: 'parallel-beam', i0: 1e5, views: 96, trainDoses: [0.25], testDoses: [0.25, 0.1] });
    // The LDCT baseline scores what the simulation produced; an identity model scores the same.
    const base = await inst.evaluate({ kind: 'baseline', name: 'ldct' });
    const identity = await inst.evaluate({ kind: 'model', predict: (x: Tensor) => x.clone() });
    expect(Object.keys(base.metrics).sort()).toEqual(['eval/ct-test-d10/psnr', 'eval/ct-test-d10/rmse', 'eval/ct-test-d10/ssim', 'eval/ct-test-d25/psnr', 'eval/ct-test-d25/rmse', 'eval/ct-test-d25/ssim']);
    for (const [k, v] of Object.entries(base.metrics)) expect(identity.metrics[k]).toBeCloseTo(v, 3);
    expect(base.metrics['eval/ct-test-d10/rmse']).toBeGreaterThan(base.metrics['eval/ct-test-d25/rmse']);
    await expect(inst.evaluate({ kind: 'baseline', name: 'bm3d' })).rejects.toThrow(/unknown baseline "bm3d"/);
    const ndctOnly = await ctTask.create({ ...data, input: 'ndct', teacherInput: undefined }, ctEvalSchema.parse({}));
    const t = ndctOnly.trainStream(new Rng(1)).next();
    expect(Array.from(t.input.dataSync())).toEqual(Array.from(t.target.dataSync()));
    expect(t.teacherInput).toBeUndefined();
  });
});
