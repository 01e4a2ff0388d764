import { tf } from '@kdlab/engine';
import type { LayersModel, Scalar, Tensor } from '@kdlab/engine';
import { batchNorm, type FusedBatchNormArgs } from './batch-norm';

/** conv -> BN -> relu -> pool -> dense, with the BN layer given; same seeds, so two builds start equal. */
function tinyNet(bnArgs: FusedBatchNormArgs): LayersModel {
  const input = tf.input({ shape: [6, 6, 3] });
  let y = tf.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(input) as ReturnType<typeof tf.input>;
  y = batchNorm({ name: 'bn', momentum: 0.9, epsilon: 1e-5, ...bnArgs }).apply(y) as ReturnType<typeof tf.input>;
  y = tf.layers.reLU().apply(y) as ReturnType<typeof tf.input>;
  y = tf.layers.globalAveragePooling2d({}).apply(y) as ReturnType<typeof tf.input>;
  const out = tf.layers.dense({ name: 'fc', units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(y) as ReturnType<typeof tf.input>;
  return tf.model({ inputs: input, outputs: out });
}

const relErr = (a: Tensor, b: Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(tf.max(tf.abs(b)).dataSync()[0], 1e-3));
const weightsOf = (m: LayersModel) => Object.fromEntries(m.weights.map((w) => [w.originalName, w.read()]));

/** Trains with SGD for `steps` on fixed random batches and returns the model. */
function train(bnArgs: FusedBatchNormArgs, steps: number): LayersModel {
  const model = tinyNet(bnArgs);
  const opt = tf.train.sgd(0.1);
  for (let s = 0; s < steps; s++) {
    const x = tf.randomNormal([5, 6, 6, 3], 0.3, 1.7, 'float32', 100 + s);
    const t = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1], 'int32'), 2);
    tf.dispose(opt.minimize(() => tf.losses.softmaxCrossEntropy(t, model.apply(x, { training: true }) as Tensor) as Scalar) ?? undefined);
    tf.dispose([x, t]);
  }
  return model;
}

describe('FusedBatchNormalization (batchNorm)', () => {
  it('trains like tfjs-layers BatchNormalization: same weights and moving statistics after 4 SGD steps', () => {
    const fused = weightsOf(train({}, 4));
    const plain = weightsOf(train({ fused: false }, 4));
    expect(Object.keys(fused).sort()).toEqual(Object.keys(plain).sort());
    expect(Object.keys(fused).filter((k) => k.startsWith('bn/')).sort()).toEqual(['bn/beta', 'bn/gamma', 'bn/moving_mean', 'bn/moving_variance']);
    for (const k of Object.keys(plain)) expect({ k, ok: relErr(fused[k], plain[k]) < 1e-4 }).toEqual({ k, ok: true });
    // The moving statistics did move (the comparison above is not of two initial values).
    expect(relErr(fused['bn/moving_variance'], tf.onesLike(fused['bn/moving_variance']))).toBeGreaterThan(1e-2);
  });

  it("runningVariance 'unbiased' feeds n/(n-1) x the batch variance to moving_variance, as PyTorch", () => {
    const x = tf.randomNormal([2, 3, 3, 4], 1, 2, 'float32', 5);
    const layer = batchNorm({ momentum: 0.9, runningVariance: 'unbiased' });
    layer.apply(x, { training: true });
    const n = 2 * 3 * 3;
    const v = tf.moments(x, [0, 1, 2]).variance;
    const expected = tf.add(tf.mul(0.9, tf.onesLike(v)), tf.mul(0.1, tf.mul(v, n / (n - 1))));
    const movingVariance = layer.weights.find((w) => w.originalName.endsWith('moving_variance'))!.read();
    expect(relErr(movingVariance, expected)).toBeLessThan(1e-5);
    expect(() => batchNorm({ runningVariance: 'sample' as 'biased' })).toThrow(/runningVariance must be 'biased' or 'unbiased', got "sample"/);
  });

  it('falls back to the unfused path for rank-2 inputs (same result as fused: false) and in inference', () => {
    const x = tf.randomNormal([6, 5], 0, 3, 'float32', 7);
    const a = batchNorm({ momentum: 0.8 });
    const b = batchNorm({ momentum: 0.8, fused: false });
    expect(relErr(a.apply(x, { training: true }) as Tensor, b.apply(x, { training: true }) as Tensor)).toBeLessThan(1e-6);
    expect(relErr(a.weights[2].read(), b.weights[2].read())).toBeLessThan(1e-6);
    expect(relErr(a.apply(x) as Tensor, b.apply(x) as Tensor)).toBeLessThan(1e-6);
  });

  it('runs one fused op in training instead of moments (profiled kernels)', async () => {
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 9);
    const kernels = async (args: FusedBatchNormArgs) => {
      const layer = batchNorm(args);
      layer.apply(x, { training: true }); // build outside the profile
      return (await tf.profile(() => layer.apply(x, { training: true }) as Tensor)).kernelNames;
    };
    expect(await kernels({ fused: false })).toEqual(expect.arrayContaining(['Mean', 'Square']));
    const fused = await kernels({});
    expect(fused).not.toContain('Mean');
    expect(fused).not.toContain('Square');
  });

  it('saves as a plain BatchNormalization, so checkpoints load without this class', () => {
    const layer = batchNorm({ name: 'bn_saved', momentum: 0.9, epsilon: 1e-5 });
    expect(layer.getClassName()).toBe('BatchNormalization');
    expect(layer.getConfig()).toMatchObject({ momentum: 0.9, epsilon: 1e-5, axis: -1 });
  });
});
