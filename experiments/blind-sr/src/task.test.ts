import * as path from 'path';
import { degradeClassic, degradeSecondOrder, GAUSSIAN8_X4, imresizeBicubic, KDSR_ANISO_NOISE10_X4, loadDegradedPairs, REALESRGAN_X4, REALESRGAN_X4_OPTIONS, type Image, type SecondOrderTrace } from '@kdlab/data';
import { Rng, tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { buildBackbone, countFlops, countFlopsAtSplit, PixelShuffle } from '@kdlab/backbones';
import { evaluatePairs } from '@kdlab/metrics';
import { resolveRun, teacherHash } from '@kdlab/runner';
import './index';
import { blindSrQuick } from './reproductions';
import { blindSrDataSchema } from './schema';
import { blindSrTask } from './task';
import { secondOrderVector } from './degradation-vector';
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
    for (const m of ['bicubic', 'kdsr-teacher', 'kdsr', 'kdsr-no-kd', 'plain', 'dcs-risr', 'dcs-risr-fixed']) {
      const run = resolveRun([path.join(CONFIGS, 'profiles', `${profile}.yaml`), path.join(CONFIGS, 'methods', `${m}.yaml`)]);
      expect(run.config.name).toBe(m);
    }
    const kdsr = resolveRun([path.join(CONFIGS, 'profiles', `${profile}.yaml`), path.join(CONFIGS, 'methods/kdsr.yaml')]).config;
    expect(kdsr.student).toMatchObject({ init: { from: 'teacher', exclude: ['ide.'] } });
    expect(kdsr.data).toMatchObject({ input: 'lr', teacherInput: 'lr+hr' });
    expect(kdsr.teacher!.train!.data).toEqual({ input: 'lr+hr' });
    expect(kdsr.kd!.terms[1]).toMatchObject({ loss: { kind: 'kdsr-idr-kl', temperature: 0.15 }, weight: 1, student: 'ide.mlp', teacher: 'ide.mlp' });
    // One cached stage-1 teacher for the three KDSR rows (the cache key hashes config.data too).
    const hashes = ['kdsr-teacher', 'kdsr-no-kd', 'kdsr'].map((m) => teacherHash(resolveRun([path.join(CONFIGS, 'profiles', `${profile}.yaml`), path.join(CONFIGS, 'methods', `${m}.yaml`)]).config));
    expect(new Set(hashes).size).toBe(1);
  });

  it('blind-sr-quick lists its rows, every file exists and resolves, and its columns are keys the task logs', async () => {
    expect(blindSrQuick.rows.map((r) => r.name)).toEqual(['bicubic', 'kdsr-teacher', 'kdsr-no-kd', 'kdsr', 'mrda-teacher', 'mrda', 'plain', 'dcs-risr', 'dcs-risr-fixed']);
    for (const row of blindSrQuick.rows) {
      const run = resolveRun(row.files.map((f) => path.join(REPO, f)));
      expect(run.config.experiment).toBe(blindSrQuick.experiment);
    }
    const quick = resolveRun([path.join(CONFIGS, 'profiles/quick.yaml'), path.join(CONFIGS, 'methods/bicubic.yaml')]).config;
    const inst = await blindSrTask.create(blindSrDataSchema.parse(quick.data), evalCfg);
    const logged = Object.keys((await inst.evaluate({ kind: 'baseline', name: 'bicubic' })).metrics);
    // FLOPs columns are logged for models only (the DCS-RISR tests below).
    for (const c of blindSrQuick.columns.filter((c) => c.key.startsWith('eval/') && !c.key.endsWith('/flops'))) expect(logged).toContain(c.key);
    expect(blindSrQuick.columns.map((c) => c.key)).toEqual(expect.arrayContaining(['eval/Set5-aniso-noise/x4/psnr', 'eval/Set5-real/x4/psnr', 'eval/Set5-real/x4/flops', 'model/params', 'model/flops']));
  });

  it('the plain student is an EDSR of the KDSR quick width/depth; DCS-RISR trains on second-order LR with its degradation target, the fixed split without', () => {
    const quick = (m: string) => resolveRun([path.join(CONFIGS, 'profiles/quick.yaml'), path.join(CONFIGS, 'methods', `${m}.yaml`)]).config;
    const plain = quick('plain');
    const modelOf = (c: typeof plain) => (c.student as { model: Record<string, unknown> }).model;
    expect(modelOf(plain)).toMatchObject({ arch: 'edsr', channels: 16, blocks: 4, rgbRange: 1 });
    expect(Object.keys(modelOf(plain)).sort()).toEqual(['arch', 'blocks', 'channels', 'rgbRange', 'scale']);
    expect(plain.teacher).toBeUndefined();
    expect(plain.data.degradation).toMatchObject({ blur: 'iso', sigma: [0.2, 4] });
    const dcs = quick('dcs-risr');
    expect(dcs.data).toMatchObject({ degradation: { pipeline: 'realesrgan' }, degradationTarget: true, benchmarks: ['gaussian8', 'aniso-noise', 'real'] });
    expect(dcs.kd!.terms.map((t) => [t.loss.kind, t.student])).toEqual([['l1', 'output'], ['dcs-degradation-l1', 'dpn'], ['dcs-nonlocal', 'sr.body'], ['dcs-flops', 'dcs.split']]);
    const fixed = quick('dcs-risr-fixed');
    expect(modelOf(fixed)).toMatchObject({ arch: 'dcs-risr', split: 'fixed', fixedLowFraction: 0.5 });
    expect(fixed.data).toMatchObject({ degradation: { pipeline: 'realesrgan' }, degradationTarget: false });
  });

  it('a sigma outside Gaussian8 is an error naming the field', () => {
    expect(() => tinyData({ sigmas: [2.5] })).toThrow(/Gaussian8 sigmas/);
  });

  it('an unknown benchmark is an error naming config.data.benchmarks and the value', () => {
    expect(() => tinyData({ benchmarks: ['gaussian8', 'div2k'] })).toThrow(/config\.data\.benchmarks: unknown benchmark .*div2k.*; expected one of gaussian8, aniso-noise, real/);
    expect(() => tinyData({ degradation: { pipeline: 'realesrnet' } })).toThrow(/classic.*realesrgan/);
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

describe('blind-sr training stream: degradation target', () => {
  it('classic: the target holds the drawn sigma; the LR is degradeClassic at exactly that sigma', async () => {
    const data = tinyData({ augment: false, degradationTarget: true, degradation: { sigma: [1, 3] } });
    const inst = await blindSrTask.create(data, evalCfg);
    const { input, target, extra } = inst.trainStream(new Rng(5)).next();
    const v = extra!.degradation.arraySync() as number[][];
    expect(extra!.degradation.shape).toEqual([2, 2]);
    expect(v[0][0]).not.toBeCloseTo(v[1][0], 3);
    for (const b of [0, 1]) {
      const hr = Uint8Array.from((target.slice([b], [1]).dataSync() as Float32Array).map((x) => Math.round(x * 255)));
      const expected = degradeClassic({ data: hr, height: 24, width: 24, channels: 3 }, { scale: 4, kernelSize: 21, blur: { type: 'iso', sigma: 1 + 2 * v[b][0] }, noise: 0 });
      const got = Array.from(input.slice([b], [1]).dataSync() as Float32Array).map((x) => Math.round(x * 255));
      // float32 round trip of sigma: at most a level on a few pixels.
      const off = got.filter((g, k) => Math.abs(g - expected.data[k]) > 1).length;
      expect(off).toBe(0);
    }
    tf.dispose([input, target, extra!.degradation]);
  });

  it('realesrgan: each LR is degradeSecondOrder of its target patch from the stream\'s Rng, the target its draws; seeded and resumable', async () => {
    const data = tinyData({ augment: false, trainLimit: 2, degradationTarget: true, degradation: { pipeline: 'realesrgan' } });
    const inst = await blindSrTask.create(data, evalCfg);
    const stream = inst.trainStream(new Rng(11));
    tf.dispose([stream.next()].flatMap((b) => [b.input, b.target, b.extra!.degradation]));
    const state = JSON.parse(JSON.stringify(stream.getState())) as { degradation: number };
    const batch = stream.next();
    expect(batch.input.shape).toEqual([2, 6, 6, 3]);
    expect(batch.extra!.degradation.shape).toEqual([2, 11]);
    // Replay the degradations from the saved state, patch by patch, with the library pipeline.
    const replay = new Rng(0);
    replay.setState(state.degradation);
    const vectors = batch.extra!.degradation.arraySync() as number[][];
    for (const b of [0, 1]) {
      const hr = Uint8Array.from((batch.target.slice([b], [1]).dataSync() as Float32Array).map((x) => Math.round(x * 255)));
      const trace: SecondOrderTrace = {};
      const lr = degradeSecondOrder({ data: hr, height: 24, width: 24, channels: 3 }, replay, REALESRGAN_X4_OPTIONS, trace);
      expect(Array.from(batch.input.slice([b], [1]).dataSync() as Float32Array).map((x) => Math.round(x * 255))).toEqual(Array.from(lr.data));
      const want = secondOrderVector(trace, REALESRGAN_X4_OPTIONS);
      vectors[b].forEach((x, k) => expect(x).toBeCloseTo(want[k], 5));
      expect(want.every((x) => x >= 0 && x <= 1)).toBe(true);
    }
    // Resumed in another stream from the saved state: the same batch.
    const other = inst.trainStream(new Rng(99));
    other.setState(state);
    const resumed = other.next();
    expect(resumed.input.sub(batch.input).abs().max().dataSync()[0]).toBe(0);
    expect(resumed.extra!.degradation.sub(batch.extra!.degradation).abs().max().dataSync()[0]).toBe(0);
    tf.dispose([batch, resumed].flatMap((b) => [b.input, b.target, b.extra!.degradation]));
  });

  it('without degradationTarget the batch carries no extra', async () => {
    const b = (await blindSrTask.create(tinyData(), evalCfg)).trainStream(new Rng(1)).next();
    expect(b.extra).toBeUndefined();
    tf.dispose([b.input, b.target]);
  });
});

describe('blind-sr evaluation', () => {
  it('scores the extra benchmarks (aniso+noise, real-world) with their own keys and per-image files; Gaussian8 only when listed', async () => {
    const inst = await blindSrTask.create(tinyData({ benchmarks: ['aniso-noise', 'real'] }), evalCfg);
    const res = await inst.evaluate({ kind: 'baseline', name: 'bicubic' });
    const bicubicPsnr = (setting: typeof REALESRGAN_X4) => {
      const p = loadDegradedPairs('Set5', setting)[0];
      return evaluatePairs([{ name: p.name, hr: p.hr, sr: imresizeBicubic(p.lr, 4) as Image }], { channel: 'y', crop: 4 }).mean;
    };
    expect(res.metrics['eval/Set5-aniso-noise/x4/psnr']).toBeCloseTo(bicubicPsnr(KDSR_ANISO_NOISE10_X4).psnr, 10);
    expect(res.metrics['eval/Set5-real/x4/psnr']).toBeCloseTo(bicubicPsnr(REALESRGAN_X4).psnr, 10);
    expect(res.metrics['eval/Set5-real/x4/ssim']).toBeCloseTo(bicubicPsnr(REALESRGAN_X4).ssim, 10);
    expect(Object.keys(res.metrics).sort()).toEqual(['eval/Set5-aniso-noise/x4/psnr', 'eval/Set5-aniso-noise/x4/ssim', 'eval/Set5-real/x4/psnr', 'eval/Set5-real/x4/ssim']);
    expect(Object.keys(res.files)).toEqual(['Set5-aniso-noise_x4.json', 'Set5-real_x4.json']);
    expect((res.files['Set5-real_x4.json'] as { images: { name: string }[] }).images.map((i) => i.name)).toEqual([loadDegradedPairs('Set5', REALESRGAN_X4)[0].name]);
  });

  it('logs FLOPs on the extra benchmarks: each image at its own split for DCS-RISR, the static count otherwise', async () => {
    const inst = await blindSrTask.create(tinyData({ benchmarks: ['gaussian8', 'real'], sigmas: [2.6] }), { ...evalCfg, limit: 2 });
    const dynamic = buildBackbone({ arch: 'dcs-risr', scale: 4, channels: 4, blocks: 2, dpnChannels: 4, degradationDim: 11 }, 3);
    const predict = (x: Tensor) => dynamic.predict(x) as Tensor;
    const res = await inst.evaluate({ kind: 'model', predict, model: dynamic });
    const hw = inst.flopsInputHw;
    const pairs = loadDegradedPairs('Set5', REALESRGAN_X4).slice(0, 2);
    const splitModel = tf.model({ inputs: dynamic.inputs, outputs: dynamic.getLayer('dcs.split').output });
    const perImage = pairs.map((p) => countFlopsAtSplit(dynamic, Array.from((splitModel.predict(tf.tensor(p.lr.data, [1, p.lr.height, p.lr.width, 3]).div(255)) as Tensor).dataSync()), hw));
    expect(res.metrics['eval/Set5-real/x4/flops']).toBeCloseTo((perImage[0] + perImage[1]) / 2, 0);
    expect(res.metrics['eval/Set5-real/x4/flops']).toBeLessThan(countFlops(dynamic, hw));
    expect(res.metrics['eval/Set5-g2.6/x4/psnr']).toBeGreaterThan(5);
    expect(res.metrics['eval/Set5-g2.6/x4/flops']).toBeUndefined();
    const fixed = buildBackbone({ arch: 'dcs-risr', scale: 4, channels: 4, blocks: 2, degradationDim: 11, split: 'fixed' }, 3);
    const resFixed = await inst.evaluate({ kind: 'model', predict: (x) => fixed.predict(x) as Tensor, model: fixed });
    expect(resFixed.metrics['eval/Set5-real/x4/flops']).toBe(countFlops(fixed, hw));
    dynamic.dispose();
    fixed.dispose();
  });

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
