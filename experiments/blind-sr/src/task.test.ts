import * as path from 'path';
import { degradeClassic, GAUSSIAN8_X4, imresizeBicubic, loadDegradedPairs, type Image } from '@kdlab/data';
import { Rng, tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { PixelShuffle } from '@kdlab/backbones';
import { evaluatePairs } from '@kdlab/metrics';
import { resolveRun } from '@kdlab/runner';
import './index';
import { blindSrQuick } from './reproductions';
import { blindSrDataSchema } from './schema';
import { blindSrTask } from './task';
import { pixelUnshuffle } from '@kdlab/backbones';

const REPO = path.resolve(__dirname, '../../..');
const CONFIGS = path.join(REPO, 'experiments/blind-sr/configs');
const evalCfg = { channel: 'y' as const, crop: 'scale' as const, split: 'test' as const, limit: 1 };

function tinyData(extra: Record<string, unknown> = {}) {
  return blindSrDataSchema.parse({ scale: 4, train: ['Set5'], trainLimit: 1, lrPatch: 6, batch: 2, test: ['Set5'], sigmas: [2.6], ...extra });
}

describe('blind-sr configs', () => {
  it.each(['quick', 'paper'])('profile %s + bicubic resolves to x4 Gaussian8 on its sets', (profile) => {
    const run = resolveRun([path.join(CONFIGS, 'profiles', `${profile}.yaml`), path.join(CONFIGS, 'methods/bicubic.yaml')]);
    expect(run.config.task).toBe('blind-sr');
    expect(run.config.data.scale).toBe(4);
    expect(run.config.data.sigmas).toEqual(profile === 'quick' ? [1.8, 2.6, 3.2] : [1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2]);
  });

  it.each(['quick', 'paper'])('profile %s: every method resolves; KDSR stage 2 starts its SR net from the teacher and distills ide.mlp', (profile) => {
    for (const m of ['bicubic', 'kdsr-teacher', 'kdsr', 'kdsr-no-kd']) {
      const run = resolveRun([path.join(CONFIGS, 'profiles', `${profile}.yaml`), path.join(CONFIGS, 'methods', `${m}.yaml`)]);
      expect(run.config.name).toBe(m);
    }
    const kdsr = resolveRun([path.join(CONFIGS, 'profiles', `${profile}.yaml`), path.join(CONFIGS, 'methods/kdsr.yaml')]).config;
    expect(kdsr.student).toMatchObject({ init: { from: 'teacher', exclude: ['ide.'] } });
    expect(kdsr.data).toMatchObject({ input: 'lr', teacherInput: 'lr+hr' });
    expect(kdsr.teacher!.train!.data).toEqual({ input: 'lr+hr' });
    expect(kdsr.kd!.terms[1]).toMatchObject({ loss: { kind: 'kdsr-idr-kl', temperature: 0.15 }, weight: 1, student: 'ide.mlp', teacher: 'ide.mlp' });
  });

  it('blind-sr-quick lists its rows, every file exists and resolves, and its columns are keys the task logs', async () => {
    expect(blindSrQuick.rows.map((r) => r.method)).toEqual(['bicubic', 'KDSR teacher (sees HR)', 'KDSR student without KD', 'KDSR student']);
    for (const row of blindSrQuick.rows) {
      const run = resolveRun(row.files.map((f) => path.join(REPO, f)));
      expect(run.config.experiment).toBe(blindSrQuick.experiment);
    }
    const quick = resolveRun([path.join(CONFIGS, 'profiles/quick.yaml'), path.join(CONFIGS, 'methods/bicubic.yaml')]).config;
    const inst = await blindSrTask.create(blindSrDataSchema.parse(quick.data), evalCfg);
    const logged = Object.keys((await inst.evaluate({ kind: 'baseline', name: 'bicubic' })).metrics);
    for (const c of blindSrQuick.columns.filter((c) => c.key.startsWith('eval/'))) expect(logged).toContain(c.key);
  });

  it('a sigma outside Gaussian8 is an error naming the field', () => {
    expect(() => tinyData({ sigmas: [2.5] })).toThrow(/Gaussian8 sigmas/);
  });
});

describe('pixelUnshuffle', () => {
  it('uses PyTorch channel order (c*r*r + i*r + j) and PixelShuffle undoes it', () => {
    const x = tf.randomUniform([1, 8, 4, 3], 0, 1, 'float32', 1);
    const u = pixelUnshuffle(x, 4);
    expect(u.shape).toEqual([1, 2, 1, 48]);
    const xv = x.arraySync() as number[][][][];
    const uv = u.arraySync() as number[][][][];
    // out[n, h, w, c*16 + i*4 + j] = in[n, 4h + i, 4w + j, c]
    expect(uv[0][1][0][2 * 16 + 3 * 4 + 1]).toBeCloseTo(xv[0][4 + 3][1][2], 6);
    const back = new PixelShuffle({ scale: 4 }).apply(u) as Tensor;
    expect(back.sub(x).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([x, u, back]);
  });
});

describe('blind-sr training stream', () => {
  it('degrades each HR patch with its own draw: at a fixed sigma the LR is degradeClassic of the target patch', async () => {
    const data = tinyData({ augment: false, degradation: { sigma: [2.6, 2.6] } });
    const inst = await blindSrTask.create(data, evalCfg);
    const { input, target, teacherInput } = inst.trainStream(new Rng(5)).next();
    expect(input.shape).toEqual([2, 6, 6, 3]);
    expect(target.shape).toEqual([2, 24, 24, 3]);
    expect(teacherInput).toBeUndefined();
    const hr = Uint8Array.from((target.slice([1], [1]).dataSync() as Float32Array).map((v) => Math.round(v * 255)));
    const expected = degradeClassic({ data: hr, height: 24, width: 24, channels: 3 }, { scale: 4, kernelSize: 21, blur: { type: 'iso', sigma: 2.6 }, noise: 0 });
    const got = Array.from(input.slice([1], [1]).dataSync() as Float32Array).map((v) => Math.round(v * 255));
    expect(got).toEqual(Array.from(expected.data));
    tf.dispose([input, target]);
  });

  it('feeds LR + PixelUnshuffle(HR) (3 + 48 channels) to the model or to the teacher as configured', async () => {
    const inst = await blindSrTask.create(tinyData({ input: 'lr', teacherInput: 'lr+hr' }), evalCfg);
    const b = inst.trainStream(new Rng(1)).next();
    expect(b.input.shape).toEqual([2, 6, 6, 3]);
    expect(b.teacherInput!.shape).toEqual([2, 6, 6, 51]);
    // Its first 3 channels are the student's LR; the rest are the HR pixels rearranged.
    expect(b.teacherInput!.slice([0, 0, 0, 0], [2, 6, 6, 3]).sub(b.input).abs().max().dataSync()[0]).toBe(0);
    const u = pixelUnshuffle(b.target, 4);
    expect(b.teacherInput!.slice([0, 0, 0, 3], [2, 6, 6, 48]).sub(u).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([b.input, b.target, b.teacherInput!, u]);
  });

  it('is seeded and resumes: patches and degradations continue from a saved state', async () => {
    const inst = await blindSrTask.create(tinyData({ trainLimit: 2 }), evalCfg);
    const a = inst.trainStream(new Rng(9));
    tf.dispose(Object.values(a.next()));
    const state = JSON.parse(JSON.stringify(a.getState()));
    const second = a.next();
    const b = inst.trainStream(new Rng(123));
    b.setState(state);
    const resumed = b.next();
    expect(resumed.input.sub(second.input).abs().max().dataSync()[0]).toBe(0);
    const other = inst.trainStream(new Rng(10)).next();
    expect(other.input.sub(second.input).abs().max().dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([...Object.values(second), ...Object.values(resumed), ...Object.values(other)]);
    expect(() => b.setState({ sampler: 1 })).toThrow(/blind-sr stream/);
  });
});

describe('blind-sr evaluation', () => {
  it('scores the cached Gaussian8 LR of the configured sigma, per sigma and as the mean over sigmas', async () => {
    const inst = await blindSrTask.create(tinyData({ sigmas: [1.8, 3.2] }), evalCfg);
    const res = await inst.evaluate({ kind: 'baseline', name: 'bicubic' });
    const byLabel = (label: string) => loadDegradedPairs('Set5', GAUSSIAN8_X4).find((p) => p.label === label)!;
    const expected = (label: string) => {
      const p = byLabel(label);
      return evaluatePairs([{ name: p.name, hr: p.hr, sr: imresizeBicubic(p.lr, 4) as Image }], { channel: 'y', crop: 4 }).mean.psnr;
    };
    expect(res.metrics['eval/Set5-g1.8/x4/psnr']).toBeCloseTo(expected('sigma1.8'), 10);
    expect(res.metrics['eval/Set5-g3.2/x4/psnr']).toBeCloseTo(expected('sigma3.2'), 10);
    // Wider blur, worse bicubic.
    expect(res.metrics['eval/Set5-g3.2/x4/psnr']).toBeLessThan(res.metrics['eval/Set5-g1.8/x4/psnr']);
    expect(res.metrics['eval/Set5-gmean/x4/psnr']).toBeCloseTo((expected('sigma1.8') + expected('sigma3.2')) / 2, 10);
    expect(Object.keys(res.files)).toEqual(['Set5-g1.8_x4.json', 'Set5-g3.2_x4.json']);
  });
});
