// PCL-SR's discriminator (Aitical/PCL-SISR ba4cbb7, src/loss/discriminator.py, read), as plain
// tensors so the contrastive term can differentiate through it w.r.t. its input:
//   Haar DWT (one level) -> the three high-frequency bands of each colour (9 channels)
//   8 blocks [conv3x3 (no bias) -> BatchNorm -> LeakyReLU 0.2], widths w, w, 2w, 2w, 4w, 4w, 8w, 8w,
//            strides 1, 2, 1, 2, 1, 2, 1, 2 (their depth 7 plus the first block; w = 64 there)
//   classifier ('patchD'): adaptive average pool to 4 x 4, 1x1 conv -> 16 patch logits per image.
// The embedding is the output of block `featureBlock` (default 4: their --cl_layer 4 with
// --before_relu, i.e. after BatchNorm, before its LeakyReLU).
// BatchNorm uses the statistics of the batch it is given (their discriminator is always in training
// mode and each set of views goes through it on its own; we stack the sets in one call for speed and
// keep per-set statistics); eps 1e-5, no running averages.
// Haar bands: for each 2x2 block [a b; c d] of a channel, (a - b + c - d)/2, (a + b - c - d)/2,
// (a - b - c + d)/2 (orthonormal Haar details; pytorch_wavelets' orientation names and signs may
// differ by a channel permutation / sign, which the first learned conv absorbs); channels ordered
// colour-major (r: 3 bands, g: 3 bands, b: 3 bands). Image sides must be even.
import { tf, Rng } from '@kdlab/engine';
import type { Tensor, Tensor4D, Variable } from '@kdlab/engine';

const HAAR = [
  [1, -1, 1, -1],
  [1, 1, -1, -1],
  [1, -1, -1, 1],
].map((band) => band.map((v) => v / 2));

const PAD1: [number, number][] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

export function haarHighBands(x: Tensor4D): Tensor4D {
  return tf.tidy(() => {
    const [, h, w, c] = x.shape;
    if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`haarHighBands: image sides must be even, got [${x.shape}]`);
    // depthwise filter [2, 2, C, 3]: entry [i, j, ch, band] = HAAR[band][2i + j]
    const f = new Float32Array(4 * c * 3);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let ch = 0; ch < c; ch++) for (let b = 0; b < 3; b++) f[((i * 2 + j) * c + ch) * 3 + b] = HAAR[b][i * 2 + j];
    return tf.depthwiseConv2d(x, tf.tensor4d(f, [2, 2, c, 3]), 2, 'valid');
  });
}

export interface DiscriminatorSpec {
  width: number;
  blocks: number;
  featureBlock: number;
}

function adaptiveAvgPool(x: Tensor4D, out: number): Tensor4D {
  const [n, h, w, c] = x.shape;
  const cells: Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const r0 = Math.floor((i * h) / out);
    const r1 = Math.ceil(((i + 1) * h) / out);
    for (let j = 0; j < out; j++) {
      const c0 = Math.floor((j * w) / out);
      const c1 = Math.ceil(((j + 1) * w) / out);
      cells.push(x.slice([0, r0, c0, 0], [n, r1 - r0, c1 - c0, c]).mean([1, 2]));
    }
  }
  return tf.stack(cells, 1).reshape([n, out, out, c]) as Tensor4D;
}

export class PclDiscriminator {
  /** Per block: kernel [3,3,in,out], gamma [out], beta [out]; then the classifier kernel [1,1,C,1] and bias [1]. */
  readonly weights: Variable[];

  constructor(readonly spec: DiscriminatorSpec, seed: number) {
    if (spec.featureBlock < 0 || spec.featureBlock >= spec.blocks) throw new Error(`pcl discriminator: featureBlock ${spec.featureBlock} is not one of its ${spec.blocks} blocks`);
    const rng = new Rng(seed);
    const weights: Variable[] = [];
    let cin = 9;
    this.widths().forEach((cout, b) => {
      const bound = 1 / Math.sqrt(9 * cin);
      weights.push(tf.variable(tf.randomUniform([3, 3, cin, cout], -bound, bound, 'float32', rng.seed()), true));
      weights.push(tf.variable(tf.ones([cout]), true));
      weights.push(tf.variable(tf.zeros([cout]), true));
      cin = cout;
    });
    const bound = 1 / Math.sqrt(cin);
    weights.push(tf.variable(tf.randomUniform([1, 1, cin, 1], -bound, bound, 'float32', rng.seed()), true));
    weights.push(tf.variable(tf.randomUniform([1], -bound, bound, 'float32', rng.seed()), true));
    this.weights = weights;
  }

  widths(): number[] {
    return Array.from({ length: this.spec.blocks }, (_, b) => this.spec.width * 2 ** Math.floor(b / 2));
  }

  /**
   * Block b's output before its LeakyReLU at block featureBlock, and the patch logits when run to the
   * end, for several sets of images at once: the sets (same shape each) are stacked along the batch for
   * the convolutions, and BatchNorm takes each set's own statistics, exactly as separate calls would.
   */
  private run(xs: Tensor4D[], until: number): { features: Tensor4D[]; logits?: Tensor4D[] } {
    const g = xs.length;
    const n = xs[0].shape[0];
    xs.forEach((x) => {
      if (!tf.util.arraysEqual(x.shape, xs[0].shape)) throw new Error(`pcl discriminator: every set of images needs the same shape, got [${xs[0].shape}] and [${x.shape}]`);
    });
    let y = haarHighBands(g === 1 ? xs[0] : (tf.concat(xs, 0) as Tensor4D));
    let features: Tensor4D | null = null;
    for (let b = 0; b <= until; b++) {
      const [k, gamma, beta] = this.weights.slice(3 * b, 3 * b + 3);
      // PyTorch's padding=1 on every side (TF's 'same' pads stride-2 convs on one side only).
      const z = tf.conv2d(tf.pad(y, PAD1), k as Tensor4D, b % 2 === 1 ? 2 : 1, 'valid');
      const [, h, w, c] = z.shape;
      const grouped = z.reshape([g, n, h, w, c]);
      const { mean, variance } = tf.moments(grouped, [1, 2, 3], true);
      const bn = grouped.sub(mean).div(variance.add(1e-5).sqrt()).reshape([g * n, h, w, c]).mul(gamma).add(beta) as Tensor4D;
      if (b === this.spec.featureBlock) features = bn;
      y = tf.leakyRelu(bn, 0.2);
    }
    const split = (t: Tensor4D) => (g === 1 ? [t] : (tf.split(t, g, 0) as Tensor4D[]));
    if (until < this.spec.blocks - 1) return { features: split(features!) };
    const [k, bias] = this.weights.slice(3 * this.spec.blocks);
    return { features: split(features!), logits: split(tf.conv2d(adaptiveAvgPool(y, 4), k as Tensor4D, 1, 'valid').add(bias) as Tensor4D) };
  }

  /** The embedding (block featureBlock, before its activation) of each set of images. */
  featuresOf(xs: Tensor4D[]): Tensor4D[] {
    return tf.tidy(() => this.run(xs, this.spec.featureBlock).features);
  }

  /** The embedding of one set. */
  features(x: Tensor4D): Tensor4D {
    return tf.tidy(() => this.run([x], this.spec.featureBlock).features[0]);
  }

  /** Patch logits [N, 4, 4, 1] of each set of images. */
  logitsOf(xs: Tensor4D[]): Tensor4D[] {
    return tf.tidy(() => this.run(xs, this.spec.blocks - 1).logits!);
  }

  /** Patch logits of one set. */
  logits(x: Tensor4D): Tensor4D {
    return tf.tidy(() => this.run([x], this.spec.blocks - 1).logits![0]);
  }

  dispose(): void {
    tf.dispose(this.weights);
  }
}
