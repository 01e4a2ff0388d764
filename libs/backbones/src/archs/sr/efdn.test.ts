// EFDN and its EDBB block: the block against numpy golden values (golden/gen_efdn_backbones.py), the
// folded (deployed) model against the training-time model on random weights and on a real Set5 image,
// folding twice changes nothing, and parameter / MAC counts of both forms against the generator's.
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor, Tensor4D } from '@kdlab/engine';
import { dataPath, imageToTensor, imresizeBicubic, modcrop, readImage } from '@kdlab/data';
import { buildBackbone } from '../../backbone';
import { countMacs, countParams } from '../../count';
import { EDBB, foldEdbb } from '../../layers/edbb';
import { reparameterize } from '../../reparam';

interface Packed {
  shape: number[];
  data: number[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'golden', 'efdn_backbones.json'), 'utf8')) as {
  edbb: { weights: Packed[]; input: Packed; output: Packed };
  counts: { channels: number; scale: 4; deploy: boolean; lr_hw: [number, number]; params: number; macs: number }[];
};
const tensor = (p: Packed) => tf.tensor(p.data, p.shape, 'float32');

function maxAbs(t: Tensor): number {
  return t.abs().max().dataSync()[0];
}

/** Sets every EDBB's mask scales to N(0, 0.5) so the edge branches carry real weight (they start at 1e-3). */
function wakeEdgeBranches(model: LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    if (!(layer instanceof EDBB)) continue;
    const w = layer.getWeights();
    for (const i of [6, 10, 14]) w[i] = tf.randomNormal(w[i].shape, 0, 0.5, 'float32', s++);
    layer.setWeights(w);
  }
}

function trainedAndDeployed(channels: number, seed: number): { train: LayersModel; deploy: LayersModel } {
  const train = buildBackbone({ arch: 'efdn', scale: 4, channels }, seed);
  wakeEdgeBranches(train, seed + 100);
  const deploy = reparameterize(train, buildBackbone({ arch: 'efdn', scale: 4, channels, deploy: true }, seed + 1));
  return { train, deploy };
}

describe('EDBB', () => {
  it('equals the numpy branch-by-branch golden output, and its fold equals it as one 3x3 conv', () => {
    const layer = new EDBB({ name: 'edbb', filters: 4 });
    const x = tensor(golden.edbb.input) as Tensor4D;
    layer.apply(x); // builds it
    layer.setWeights(golden.edbb.weights.map(tensor));
    const want = tensor(golden.edbb.output);
    const got = layer.apply(x) as Tensor;
    const scale = maxAbs(want);
    expect(maxAbs(got.sub(want))).toBeLessThan(1e-5 * scale);
    const [k, b] = foldEdbb(layer.getWeights());
    const folded = tf.conv2d(x, k, 1, 'same').add(b);
    expect(maxAbs(folded.sub(want))).toBeLessThan(1e-5 * scale);
  });
});

describe('EFDN re-parameterisation', () => {
  it('the deployed model gives the training-time output on random weights (float32 tolerance)', () => {
    const { train, deploy } = trainedAndDeployed(16, 3);
    const x = tf.randomUniform([2, 20, 22, 3], 0, 1, 'float32', 7);
    const a = train.predict(x) as Tensor;
    const b = deploy.predict(x) as Tensor;
    expect(b.shape).toEqual([2, 80, 88, 3]);
    // The edge branches are awake: without them folded the outputs would differ by far more.
    expect(maxAbs(a.sub(b))).toBeLessThan(1e-5 * Math.max(1, maxAbs(a)));
    const unfolded = buildBackbone({ arch: 'efdn', scale: 4, channels: 16, deploy: true }, 3);
    const c = unfolded.predict(x) as Tensor;
    expect(maxAbs(a.sub(c))).toBeGreaterThan(1e-2);
  });

  it('on a real image (Set5 bird, MATLAB-bicubic x4 LR, 48 x 48 crop), paper width', () => {
    const hr = modcrop(readImage(dataPath('sr/Set5/bird.png')), 4);
    const lr = imageToTensor(imresizeBicubic(hr, 1 / 4)).slice([0, 0, 0], [48, 48, 3]).expandDims(0);
    const { train, deploy } = trainedAndDeployed(48, 11);
    const a = train.predict(lr) as Tensor;
    const b = deploy.predict(lr) as Tensor;
    expect(maxAbs(a.sub(b))).toBeLessThan(1e-5 * Math.max(1, maxAbs(a)));
  });

  it('folding is idempotent: folding the deployed model again leaves every weight bit-identical', () => {
    const { deploy } = trainedAndDeployed(16, 5);
    const again = reparameterize(deploy, buildBackbone({ arch: 'efdn', scale: 4, channels: 16, deploy: true }, 99));
    const w1 = deploy.getWeights();
    const w2 = again.getWeights();
    expect(w2.length).toBe(w1.length);
    w1.forEach((w, i) => expect(Array.from(w2[i].dataSync())).toEqual(Array.from(w.dataSync())));
  });

  it.each(golden.counts.map((c) => [c.channels, c.deploy ? 'deployed' : 'training', c] as const))(
    '%d channels, %s form: parameters and conv MACs equal the generator count',
    (channels, _form, c) => {
      const model = buildBackbone({ arch: 'efdn', scale: c.scale, channels, deploy: c.deploy }, 0);
      expect(countParams(model)).toBe(c.params);
      expect(countMacs(model, c.lr_hw)).toBe(c.macs);
    },
  );

  it('the paper preset has about 276 K parameters deployed, as the released model', () => {
    const model = buildBackbone({ arch: 'efdn-paper', scale: 4, deploy: true }, 0);
    const want = golden.counts.find((c) => c.channels === 48 && c.deploy)!.params;
    expect(countParams(model)).toBe(want);
    expect(Math.abs(want - 276e3)).toBeLessThan(1e3);
  });
});
