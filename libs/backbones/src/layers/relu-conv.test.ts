// ReluConv2D must be tfjs' Conv2D (relu, bias) in everything but speed: same config and
// className, same outputs, and the same weights after SGD steps.
import { tf } from '@kdlab/engine';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { ReluConv2D, conv2dLayer } from './relu-conv';
import { buildBackbone } from '../backbone';

type Layer = ReturnType<typeof tf.layers.conv2d>;

function oneConvModel(layer: Layer): LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  return tf.model({ inputs: input, outputs: layer.apply(input) as never });
}

const args = (name: string) => ({ name, filters: 4, kernelSize: 3, padding: 'same' as const, activation: 'relu' as const, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 4 }) });

describe('ReluConv2D', () => {
  it("is tfjs' Conv2D to a saved topology and a FLOP count: className and config unchanged", () => {
    const ours = new ReluConv2D(args('c'));
    const plain = tf.layers.conv2d(args('c'));
    expect(ours.getClassName()).toBe('Conv2D');
    expect(ours.getConfig()).toEqual(plain.getConfig());
    expect(ours.fusedRelu).toBe(true);
  });

  it('trains to the same weights as tf.layers.conv2d (3 SGD steps, same start)', () => {
    const ours = oneConvModel(new ReluConv2D(args('c')));
    const plain = oneConvModel(tf.layers.conv2d(args('c')));
    plain.setWeights(ours.getWeights());
    const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 5);
    const target = tf.randomUniform([4, 8, 8, 4], 0, 1, 'float32', 6);
    for (const m of [ours, plain]) {
      const opt = tf.train.sgd(0.1);
      for (let i = 0; i < 3; i++) opt.minimize(() => tf.losses.meanSquaredError(target, m.apply(x, { training: true }) as Tensor) as never);
    }
    const a = ours.getWeights();
    const b = plain.getWeights();
    expect(tf.max(tf.abs(tf.sub(a[0], b[0]))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(a[1], b[1]))).dataSync()[0]).toBeLessThan(1e-5);
    // the weights moved (the comparison above is not between two untouched copies)
    const start = oneConvModel(new ReluConv2D(args('c'))).getWeights();
    expect(tf.max(tf.abs(tf.sub(a[0], start[0]))).dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('is plain tfjs Conv2D for other activations, no bias, or KDLAB_FUSED_ACTIVATION=0', () => {
    expect(conv2dLayer({ ...args('s'), activation: 'sigmoid' })).not.toBeInstanceOf(ReluConv2D);
    expect(new ReluConv2D({ ...args('n'), useBias: false }).fusedRelu).toBe(false);
    const saved = process.env.KDLAB_FUSED_ACTIVATION;
    process.env.KDLAB_FUSED_ACTIVATION = '0';
    try {
      expect(new ReluConv2D(args('o')).fusedRelu).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.KDLAB_FUSED_ACTIVATION;
      else process.env.KDLAB_FUSED_ACTIVATION = saved;
    }
  });

  it("is what EDSR's ReLU convs are", () => {
    const model = buildBackbone({ arch: 'edsr', scale: 2, channels: 8, blocks: 2 } as never, 1) as unknown as LayersModel;
    const reluConvs = model.layers.filter((l) => l instanceof ReluConv2D);
    expect(reluConvs.map((l) => l.name)).toEqual(['body.block0.conv1', 'body.block1.conv1']);
  });
});
