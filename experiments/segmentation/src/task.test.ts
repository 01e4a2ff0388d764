// The segmentation task on the real GlaS files: the official split and the carved
// validation set, crops and their augmentation, an exactly predictable evaluation
// (a model that predicts background everywhere), every config resolving, and a micro
// CoCo DistillNet run through the runner whose auxiliary networks (WGAN critic,
// paraphraser) are checkpointed and resumed bit-identically.
import * as fs from 'fs';
import * as path from 'path';
import { Rng, tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { executeRun, readWeightsDir, resolveRun } from '@kdlab/runner';
import { dihedral, stainJitter, HED_FROM_RGB, RGB_FROM_HED } from './data/augment';
import { CropBatches } from './data/batch-stream';
import { channelStats, glasNames, loadGlas } from './data/glas';
import { segMetricKey } from './naming';
import { SEG_METHODS } from './reproductions';
import { segmentationTask } from './task';
import { CONFIGS, microProfile, tempDir } from './testing/micro';

describe('GlaS data', () => {
  it('official split 85 / 60 / 20, validation carved from train without overlap', () => {
    const train = glasNames('train'), val = glasNames('val');
    expect([train.length, val.length, glasNames('testA').length, glasNames('testB').length]).toEqual([71, 14, 60, 20]);
    expect(new Set([...train, ...val]).size).toBe(85);
    expect(val.every((n) => !train.includes(n))).toBe(true);
  });

  it('reads an image and its mask, verified against the manifest; k = 2 halves the size (rounded up)', () => {
    const [full] = loadGlas('testB', 1, 1);
    const [half] = loadGlas('testB', 2, 1);
    expect(full.image.channels).toBe(3);
    expect([half.image.height, half.image.width]).toEqual([Math.ceil(full.image.height / 2), Math.ceil(full.image.width / 2)]);
    expect(half.fullMask).toEqual(full.fullMask);
    const glandFraction = (m: Uint8Array) => m.reduce((a, v) => a + v, 0) / m.length;
    expect(Math.abs(glandFraction(half.mask) - glandFraction(full.fullMask))).toBeLessThan(0.02);
    expect(new Set(full.fullMask)).toEqual(new Set([0, 1]));
  });
});

describe('augmentation', () => {
  it('the 8 symmetries: k = 0 is the identity, rotating 4 times returns the crop, k >= 4 mirrors', () => {
    const src = Uint8Array.from({ length: 5 * 5 }, (_, i) => i);
    expect(dihedral(src, 5, 1, 0)).toEqual(src);
    let r: Uint8Array = src;
    for (let i = 0; i < 4; i++) r = dihedral(r, 5, 1, 1);
    expect(r).toEqual(src);
    expect(Array.from(dihedral(src, 5, 1, 4).subarray(0, 5))).toEqual([4, 3, 2, 1, 0]);
    expect(new Set(Array.from(dihedral(src, 5, 1, 6)))).toEqual(new Set(Array.from(src)));
  });

  it('stain jitter with alpha 1, beta 0 leaves pixels within rounding; a haematoxylin boost darkens more in red than blue', () => {
    const [g] = loadGlas('testB', 4, 1);
    const rgb = g.image.data.slice(0, 3000);
    const same = rgb.slice();
    stainJitter(same, [1, 1, 1], [0, 0, 0]);
    expect(Math.max(...same.map((v, i) => Math.abs(v - rgb[i])))).toBeLessThanOrEqual(1);
    const more = rgb.slice();
    stainJitter(more, [1.3, 1, 1], [0, 0, 0]);
    const drop = (c: number) => { let d = 0; for (let p = c; p < rgb.length; p += 3) d += rgb[p] - more[p]; return d; };
    expect(drop(0)).toBeGreaterThan(drop(2));
  });

  it('stain jitter equals its per-pixel definition exactly (every uint8 value, random factors)', () => {
    // The definition as written in the paper's terms, with arrays and a logarithm per channel.
    const reference = (rgb: Uint8Array, alpha: number[], beta: number[]) => {
      for (let p = 0; p < rgb.length; p += 3) {
        const od = [0, 1, 2].map((c) => -Math.log((rgb[p + c] + 1) / 256));
        const s = [0, 1, 2].map((k) => (od[0] * HED_FROM_RGB[0][k] + od[1] * HED_FROM_RGB[1][k] + od[2] * HED_FROM_RGB[2][k]) * alpha[k] + beta[k]);
        for (let c = 0; c < 3; c++) rgb[p + c] = Math.max(0, Math.min(255, Math.round(256 * Math.exp(-(s[0] * RGB_FROM_HED[0][c] + s[1] * RGB_FROM_HED[1][c] + s[2] * RGB_FROM_HED[2][c])) - 1)));
      }
    };
    const rng = new Rng(11);
    const src = new Uint8Array(3 * 4096);
    for (let i = 0; i < src.length; i++) src[i] = i < 768 ? i % 256 : rng.int(256); // every value in every channel, then random pixels
    for (let trial = 0; trial < 5; trial++) {
      const alpha = [0, 1, 2].map(() => 0.7 + 0.6 * rng.next());
      const beta = [0, 1, 2].map(() => -0.3 + 0.6 * rng.next());
      const got = src.slice();
      const want = src.slice();
      stainJitter(got, alpha, beta);
      reference(want, alpha, beta);
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
      expect(Buffer.from(got).equals(Buffer.from(src))).toBe(false); // the jitter changed pixels
    }
  });

  it('crop batches: normalised input, one-hot targets, the same stream for the same seed', () => {
    const images = loadGlas('train', 4, 3);
    const stats = channelStats(images);
    const make = () => new CropBatches(images, { crop: 32, batch: 3, augment: { dihedral: true, stain: 0.05, brightness: 0.1, contrast: 0.1 }, stats }, new Rng(5));
    const a = make().next(), b = make().next();
    expect(a.input.shape).toEqual([3, 32, 32, 3]);
    expect(a.target.shape).toEqual([3, 32, 32, 2]);
    expect(a.target.sum(-1).min().dataSync()[0]).toBe(1);
    expect(a.input.sub(b.input).abs().max().dataSync()[0]).toBe(0);
    expect(() => new CropBatches(images, { crop: 512, batch: 1, augment: { dihedral: false, stain: 0, brightness: 0, contrast: 0 }, stats }, new Rng(1))).toThrow(/crop 512 is larger than training image train_1/);
    tf.dispose([a.input, a.target, b.input, b.target]);
  });
});

describe('segmentation task', () => {
  it('every profile x method resolves with a 2-class model', () => {
    for (const profile of ['quick', 'paper']) {
      for (const m of SEG_METHODS) {
        const run = resolveRun([path.join(CONFIGS, `profiles/${profile}.yaml`), path.join(CONFIGS, 'methods', `${m.file}.yaml`)]);
        const spec = 'model' in run.config.student ? run.config.student.model : run.config.teacher!.model;
        expect({ m: m.file, classes: spec.numClasses }).toEqual({ m: m.file, classes: 2 });
      }
    }
  });

  it('a model that predicts background everywhere scores exactly what the masks say', async () => {
    const data = segmentationTask.dataSchema.parse({ downsample: 4, crop: 32, batch: 2, trainLimit: 2 });
    const evalCfg = segmentationTask.evalSchema.parse({ splits: ['testB'], limit: 2, tile: 64, overlap: 16 });
    const instance = await segmentationTask.create(data, evalCfg);
    const background = { kind: 'model' as const, predict: (x: Tensor) => tf.concat([tf.onesLike(x.slice([0, 0, 0, 0], [-1, -1, -1, 1])), tf.zerosLike(x.slice([0, 0, 0, 0], [-1, -1, -1, 1]))], -1) };
    const res = await instance.evaluate(background);
    const masks = loadGlas('testB', 1, 2);
    const pixels = masks.reduce((a, g) => a + g.fullMask.length, 0);
    const bg = masks.reduce((a, g) => a + g.fullMask.filter((v) => v === 0).length, 0);
    expect(res.metrics[segMetricKey('testB', 'dice')]).toBe(0);
    expect(res.metrics[segMetricKey('testB', 'pixel_acc')]).toBeCloseTo(bg / pixels, 12);
    expect(res.metrics[segMetricKey('testB', 'miou')]).toBeCloseTo(bg / pixels / 2, 12);
    expect(res.metrics[segMetricKey('testB', 'obj_dice')]).toBe(0);
    const diag = masks.reduce((a, g) => a + Math.hypot(g.fullHeight, g.fullWidth), 0) / 2;
    expect(res.metrics[segMetricKey('testB', 'obj_hausdorff')]).toBeCloseTo(diag, 9);
    expect(instance.tags['kdlab.metric_convention']).toMatch(/obj_hausdorff/);
    instance.dispose();
    // Object metrics at the working resolution: the diagonal of the 1/4 masks, times 4.
    const working = await segmentationTask.create(data, { ...evalCfg, objectResolution: 'working' });
    const w = await working.evaluate(background);
    const smallDiag = masks.reduce((a, g) => a + 4 * Math.hypot(Math.ceil(g.fullHeight / 4), Math.ceil(g.fullWidth / 4)), 0) / 2;
    expect(w.metrics[segMetricKey('testB', 'obj_hausdorff')]).toBeCloseTo(smallDiag, 9);
    expect(w.metrics[segMetricKey('testB', 'pixel_acc')]).toBeCloseTo(bg / pixels, 12);
    working.dispose();
  });

  it('CoCo DistillNet through the runner: critic and paraphraser trained, checkpointed, resumed bit-identically', async () => {
    const dir = tempDir('coco');
    const run = resolveRun([microProfile(dir), path.join(CONFIGS, 'methods/coco.yaml')], { sets: ['kd.terms[4].loss.pretrainSteps=2'] });
    const opts = { runsDir: path.join(dir, 'runs'), cacheDir: path.join(dir, 'cache'), trackingUri: `file:${path.join(dir, 'mlruns')}`, log: () => undefined };
    const first = await executeRun(run, opts);
    expect(first.status).toBe('FINISHED');
    expect(first.metrics[segMetricKey('testB', 'dice')]).toBeGreaterThanOrEqual(0);
    expect(first.tags['kdlab.source_level']).toBe('abstract-only');
    const ckpt = (s: number) => readWeightsDir(path.join(first.runDir, 'checkpoints', `step-${String(s).padStart(8, '0')}`));
    const [c2, c4] = [ckpt(2), ckpt(4)];
    const aux = (c: typeof c2) => c.groups.auxiliary!;
    expect(aux(c4).map((t) => t.name).filter((n) => !n.includes('/opt/')).length).toBeGreaterThan(0);
    // The critic trains every step; the paraphraser only during its 2 pre-training steps.
    const byName = (c: typeof c2, prefix: string) => aux(c).filter((t) => t.name.startsWith(prefix) && !t.name.includes('/opt/'));
    const changed = (prefix: string) => byName(c2, prefix).some((t, i) => t.data.some((v, k) => v !== byName(c4, prefix)[i].data[k]));
    expect(changed('aux/adv/')).toBe(true);
    expect(changed('aux/ft/')).toBe(false);
    // Resume from step 2 and finish: the same weights as the uninterrupted run.
    const expected = c4;
    fs.rmSync(path.join(first.runDir, 'checkpoints', 'step-00000004'), { recursive: true });
    fs.rmSync(path.join(first.runDir, 'result.json'));
    fs.rmSync(path.join(first.runDir, 'final'), { recursive: true });
    await executeRun(run, { ...opts, resume: true });
    const again = ckpt(4);
    for (const group of ['model', 'adapters', 'auxiliary']) {
      const a = expected.groups[group] ?? [], b = again.groups[group] ?? [];
      expect(b.length).toBe(a.length);
      a.forEach((t, i) => expect({ group, name: t.name, same: t.data.every((v, k) => v === b[i].data[k]) }).toEqual({ group, name: t.name, same: true }));
    }
  }, 300000);
});
