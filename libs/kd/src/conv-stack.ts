// A small stack of convolutions with bias and LeakyReLU, held as plain variables:
// the learned parts of the segmentation KD losses (a WGAN critic, factor transfer's
// paraphraser and translator). LeakyReLU is written as ((1+a) x + (1-a) |x|) / 2, equal
// to max(x, a x) but differentiable twice in TF.js (its own LeakyRelu gradient uses an
// op without a gradient, and WGAN-GP differentiates the critic's input gradient).
// Init: PyTorch's Conv2d default (kaiming_uniform with a = sqrt(5): U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)) for weights and biases), seeded.
import { Rng, tf } from '@kdlab/engine';
import type { Tensor, Tensor4D, Variable } from '@kdlab/engine';

export interface ConvLayerSpec {
  out: number;
  kernel: number;
  stride: number;
}

export function leakyRelu(x: Tensor, slope: number): Tensor {
  return x.mul((1 + slope) / 2).add(x.abs().mul((1 - slope) / 2));
}

export class ConvStack {
  readonly weights: Variable[] = [];

  constructor(readonly inChannels: number, readonly layers: ConvLayerSpec[], readonly opts: { slope: number; activateLast: boolean; name: string }, seed: number) {
    const rng = new Rng(seed);
    let cin = inChannels;
    layers.forEach((l, i) => {
      const bound = 1 / Math.sqrt(cin * l.kernel * l.kernel);
      // Unnamed: TF.js names must be unique per process and a run may build several of these.
      this.weights.push(tf.variable(tf.randomUniform([l.kernel, l.kernel, cin, l.out], -bound, bound, 'float32', rng.seed()), true));
      this.weights.push(tf.variable(tf.randomUniform([l.out], -bound, bound, 'float32', rng.seed()), true));
      cin = l.out;
    });
  }

  get outChannels(): number {
    return this.layers[this.layers.length - 1].out;
  }

  apply(x: Tensor): Tensor {
    return tf.tidy(() => {
      let y = x as Tensor4D;
      this.layers.forEach((l, i) => {
        y = tf.conv2d(y, this.weights[2 * i] as unknown as Tensor4D, l.stride, 'same').add(this.weights[2 * i + 1]) as Tensor4D;
        if (i < this.layers.length - 1 || this.opts.activateLast) y = leakyRelu(y, this.opts.slope) as Tensor4D;
      });
      return y;
    });
  }

  dispose(): void {
    tf.dispose(this.weights);
  }
}
