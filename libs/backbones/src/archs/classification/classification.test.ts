// Golden values: libs/backbones/golden/gen_cls_backbones.py builds the same
// architectures in PyTorch (written from the papers' CIFAR structure, not from
// this code) and records their learnable parameters and conv/linear MACs.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { buildBackbone, listBackbones } from '../../backbone';
import { countMacs, countParams } from '../../count';
import { ChannelShuffle } from './channel-shuffle';

interface Packed { shape: number[]; data: number[] }
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../golden/cls_backbones.json'), 'utf8')) as {
  counts: Record<string, { params: number; macs: number }>;
  channel_shuffle: { groups: number; input: Packed; output: Packed };
};

const PRESETS = ['resnet8', 'resnet14', 'resnet20', 'resnet32', 'resnet44', 'resnet56', 'resnet110', 'resnet8x4', 'resnet32x4', 'wrn-16-2', 'wrn-40-2', 'wrn-40-1', 'mobilenetv2-half', 'shufflev2'];

describe('classification backbones: parameters and MACs equal the PyTorch golden counts', () => {
  it('every classification preset has golden counts', () => {
    const presets = listBackbones().presets.filter((p) => ['resnet-cifar', 'wrn', 'mobilenetv2', 'shufflenetv2'].includes(p.arch)).map((p) => p.name);
    expect(presets.sort()).toEqual([...PRESETS].sort());
  });

  // 100 classes for every preset (the CIFAR-100 numbers papers print); 10 for the small ones
  // (only the classifier differs, and building the big models twice costs CI time).
  it.each(PRESETS)('%s', (name) => {
    for (const classes of ['resnet8', 'resnet20', 'wrn-16-2'].includes(name) ? [100, 10] : [100]) {
      const model = buildBackbone({ arch: name, numClasses: classes }, 1);
      const want = golden.counts[`${name}@${classes}`];
      expect(countParams(model, { trainableOnly: true })).toBe(want.params);
      expect(countMacs(model, [32, 32])).toBe(want.macs);
      model.dispose();
    }
  });
});

function trainStep(model: LayersModel, x: Tensor, classes: number): { loss: number; gradNorms: number[] } {
  const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), classes);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tensor).asScalar());
  const gradNorms = Object.values(grads).map((g) => g.norm().dataSync()[0]);
  const loss = value.dataSync()[0];
  tf.dispose([y, value, ...Object.values(grads)]);
  return { loss, gradNorms };
}

describe('classification backbones: forward/backward at small width', () => {
  const small: [string, Record<string, unknown>][] = [
    ['resnet-cifar', { depth: 8, widths: [4, 4, 8, 8] }],
    ['wrn', { depth: 10, widen: 1 }],
    ['mobilenetv2', { widthMult: 0.25, expansion: 2 }],
    ['shufflenetv2', { netSize: '0.5' }],
  ];

  it.each(small)('%s: logits of the right shape, finite gradients for every weight, stable tap names', (arch, opts) => {
    const model = buildBackbone({ arch, ...opts, numClasses: 7 }, 3);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5);
    const out = model.predict(x) as Tensor;
    expect(out.shape).toEqual([2, 7]);
    const { loss, gradNorms } = trainStep(model, x, 7);
    expect(Number.isFinite(loss)).toBe(true);
    expect(gradNorms.length).toBe(model.trainableWeights.length);
    expect(gradNorms.every((g) => Number.isFinite(g))).toBe(true);
    expect(gradNorms.filter((g) => g > 0).length).toBe(gradNorms.length);
    for (const tap of ['stem', 'stage1', 'stage2', 'stage3', 'pool', 'logits']) expect(() => model.getLayer(tap)).not.toThrow();
    expect(model.getLayer('pool').outputShape).toEqual([null, model.getLayer('logits').getWeights()[0].shape[0]]);
    tf.dispose([x, out]);
    model.dispose();
  });

  it('takes 28x28 grey images (Fashion-MNIST) with inputChannels 1', () => {
    const model = buildBackbone({ arch: 'resnet8', inputChannels: 1 }, 0);
    const out = tf.tidy(() => (model.predict(tf.zeros([3, 28, 28, 1])) as Tensor).shape);
    expect(out).toEqual([3, 10]);
    model.dispose();
  });

  it('is seeded: the same seed gives the same weights, another seed different ones', () => {
    const w = (seed: number) => {
      const m = buildBackbone({ arch: 'resnet8' }, seed);
      const v = Array.from(m.getLayer('stage1.block0.conv1.conv').getWeights()[0].dataSync());
      m.dispose();
      return v;
    };
    expect(w(4)).toEqual(w(4));
    expect(w(4)).not.toEqual(w(5));
  });

  it('BatchNorm updates its moving statistics in training mode only', () => {
    const model = buildBackbone({ arch: 'resnet8' }, 0);
    const stat = () => Array.from(model.getLayer('stem.bn').getWeights()[2].dataSync());
    const before = stat();
    const x = tf.randomNormal([4, 32, 32, 3], 2, 1, 'float32', 1);
    tf.tidy(() => { model.apply(x, { training: false }); });
    expect(stat()).toEqual(before);
    tf.tidy(() => { model.apply(x, { training: true }); });
    expect(stat()).not.toEqual(before);
    x.dispose();
    model.dispose();
  });
});

describe('ChannelShuffle', () => {
  it('equals the NCHW channel shuffle of PyTorch (golden)', () => {
    const g = golden.channel_shuffle;
    const layer = new ChannelShuffle({ groups: g.groups });
    const out = tf.tidy(() => Array.from((layer.apply(tf.tensor(g.input.data, g.input.shape)) as Tensor).dataSync()));
    out.forEach((v, i) => expect(v).toBeCloseTo(g.output.data[i], 5));
  });
});

describe('peers: a cohort of networks in one model (online KD)', () => {
  it('holds P peers with their own classifiers; output [N, P*C]; taps the concatenated features', () => {
    const single = buildBackbone({ arch: 'resnet8' }, 0);
    const cohort = buildBackbone({ arch: 'peers', peer: { arch: 'resnet8' }, count: 3 }, 0);
    expect(countParams(cohort, { trainableOnly: true })).toBe(3 * countParams(single, { trainableOnly: true }));
    expect(countMacs(cohort, [32, 32])).toBe(3 * countMacs(single, [32, 32]));
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 2);
    const out = cohort.predict(x) as Tensor;
    expect(out.shape).toEqual([2, 30]);
    expect(cohort.getLayer('peers.features').outputShape).toEqual([null, 3 * 64]);
    for (const tap of ['peer0.stage3', 'peer2.pool', 'peer1.logits']) expect(() => cohort.getLayer(tap)).not.toThrow();
    // Peers are initialised differently, so their logits differ.
    const [a, b] = tf.tidy(() => [out.slice([0, 0], [2, 10]), out.slice([0, 10], [2, 10])].map((t) => Array.from(t.dataSync())));
    expect(a).not.toEqual(b);
    const { gradNorms } = trainStep(cohort, x, 30);
    expect(gradNorms.every((g) => Number.isFinite(g) && g > 0)).toBe(true);
    tf.dispose([x, out]);
    single.dispose();
    cohort.dispose();
  });

  it('names every peer layer under its prefix; training mode moves the peers\' BatchNorm statistics', () => {
    const cohort = buildBackbone({ arch: 'peers', peer: { arch: 'resnet8' }, count: 2 }, 0);
    const inner = cohort.getLayer('peer0.stem.bn');
    const before = Array.from(inner.getWeights()[2].dataSync());
    tf.tidy(() => { cohort.apply(tf.randomNormal([4, 32, 32, 3], 1, 1, 'float32', 1), { training: true }); });
    expect(Array.from(inner.getWeights()[2].dataSync())).not.toEqual(before);
    cohort.dispose();
  });

  it('rejects a spec that is neither a list nor peer+count', () => {
    expect(() => buildBackbone({ arch: 'peers', peer: { arch: 'resnet8' } }, 0)).toThrow(/either `peers`/);
  });
});
