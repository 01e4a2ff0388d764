// A learnable-split octave convolution for DCS-RISR (Qiao et al., arXiv 2212.07613; no code
// released, source level abstract-only: what follows is kdlab's reading, not a reproduction).
//
// Octave convolution (Chen et al., ICCV 2019) keeps a fraction α of the channels at half
// resolution (low frequency, L) and the rest at full resolution (high, H); one C_in x C_out
// kernel W is partitioned into its four blocks W_HH, W_HL, W_LH, W_LL:
//   Y_H = conv(X_H; W_HH) + up(conv(X_L; W_LH)),   Y_L = conv(X_L; W_LL) + conv(pool(X_H); W_HL)
// with 2x2 average pooling and nearest 2x upsampling. DCS-RISR lets each block choose α per
// image. Here the features stay one full-resolution tensor and the split is a channel mask:
// channels 0 .. αC-1 are low, the rest high, and the one channel on the boundary is shared
// linearly,  low_c(α) = clip(αC - c, 0, 1),  high_c = 1 - low_c. So the split is continuous and
// differentiable (d low_c / dα = C on the boundary channel, 0 elsewhere) and exactly the
// discrete OctConv split whenever αC is an integer. With masks m (per image, per channel):
//   Y = high_out ⊙ (conv(X ⊙ high_in; W) + up(conv(P ⊙ low_in; W))) + low_out ⊙ up(conv(P; W)) + b,
//   P = pool(X)   (conv(P; W) = conv(pool(X_H); W) + conv(X_L; W) since the masks sum to 1)
// Every (input, output) channel pair uses W once, in the path its two memberships select: the
// OctConv partition, with the same parameter count as a plain conv. α = 0 gives conv(X; W) (the
// plain conv path; tested). Low channels leave the layer upsampled (piecewise constant), so the
// next layer's pooling gives them back exactly at even sizes; odd sizes pool with 'same'
// padding (mean of the valid pixels) and crop after upsampling.
//
// Work: the implementation runs three convs (one full, two half resolution). `macs()` reports
// what an OctConv with the split would do (OctConv's count, which this layer's masks emulate):
//   k²·C_in·C_out·[(1-a_in)(1-a_out)·HW + a_in(1-a_out)·HW/4 + a_out·HW/4]   (HW/4 = ceil(H/2)·ceil(W/2))
// at `flopsLowFraction` (a fixed split's α; for a dynamic split, set per image by
// countFlopsAtSplit in ./dcs-risr.ts; default 0: the plain conv, the upper bound).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import type { ConfigDict, LayerArgs, Shape } from '../../layers/types';

type LayerWeight = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

export interface OctaveConvArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  /** Which column of the split input [N, blocks] is this layer's α. */
  splitIndex: number;
  /** α that `macs()` counts (see above). */
  flopsLowFraction?: number;
  /** PyTorch's default Conv2d initialisation, seeded. */
  seed?: number;
}

/** The low-frequency membership of each channel: clip(α·C - c, 0, 1), [N, 1, 1, C] from α [N, 1]. */
export function lowFrequencyMask(alpha: Tensor, channels: number): Tensor {
  return tf.tidy(() => alpha.mul(channels).sub(tf.range(0, channels).reshape([1, channels])).clipByValue(0, 1).reshape([-1, 1, 1, channels]));
}

/** Nearest-neighbour 2x upsampling of a half-size map back to h x w. */
function upTo(x: Tensor4D, h: number, w: number): Tensor4D {
  const [, h2, w2] = x.shape;
  const up = tf.image.resizeNearestNeighbor(x, [2 * h2, 2 * w2]);
  return (2 * h2 === h && 2 * w2 === w ? up : up.slice([0, 0, 0, 0], [-1, h, w, -1])) as Tensor4D;
}

/** The masked octave convolution above, functional (kernel [k, k, C_in, C_out]). */
export function octaveConv(x: Tensor4D, alpha: Tensor, kernel: Tensor4D, bias?: Tensor): Tensor4D {
  return tf.tidy(() => {
    const [, h, w, cin] = x.shape;
    const cout = kernel.shape[3];
    const lowIn = lowFrequencyMask(alpha, cin);
    const lowOut = lowFrequencyMask(alpha, cout);
    const pooled = tf.avgPool(x, 2, 2, 'same');
    const conv = (t: Tensor) => tf.conv2d(t as Tensor4D, kernel, 1, 'same');
    const high = conv(x.mul(tf.onesLike(lowIn).sub(lowIn))).add(upTo(conv(pooled.mul(lowIn)) as Tensor4D, h, w));
    const low = upTo(conv(pooled) as Tensor4D, h, w);
    const y = high.mul(tf.onesLike(lowOut).sub(lowOut)).add(low.mul(lowOut));
    return (bias ? y.add(bias) : y) as Tensor4D;
  });
}

/** OctConv's multiply-accumulates for one image at split α (see the header). */
export function octaveMacs(h: number, w: number, k: number, cin: number, cout: number, alpha: number): number {
  const aIn = Math.min(cin, Math.max(0, alpha * cin)) / cin;
  const aOut = Math.min(cout, Math.max(0, alpha * cout)) / cout;
  const full = h * w;
  const half = Math.ceil(h / 2) * Math.ceil(w / 2);
  return k * k * cin * cout * ((1 - aIn) * (1 - aOut) * full + aIn * (1 - aOut) * half + aOut * half);
}

/** Inputs [features NHWC, split [N, blocks]]; kernel and bias of one plain conv. */
export class OctaveConv extends tf.layers.Layer {
  static className = 'OctaveConv';
  readonly filters: number;
  readonly kernelSize: number;
  readonly splitIndex: number;
  flopsLowFraction: number;
  private readonly seed?: number;
  private kernel!: LayerWeight;
  private bias!: LayerWeight;

  constructor(args: OctaveConvArgs) {
    super(args);
    if (!Number.isInteger(args.kernelSize) || args.kernelSize % 2 === 0) throw new Error(`OctaveConv ${args.name ?? ''}: kernelSize must be an odd integer, got ${args.kernelSize}`);
    if (!(args.flopsLowFraction === undefined || (args.flopsLowFraction >= 0 && args.flopsLowFraction <= 1))) throw new Error(`OctaveConv ${args.name ?? ''}: flopsLowFraction must be in [0, 1], got ${args.flopsLowFraction}`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.splitIndex = args.splitIndex;
    this.flopsLowFraction = args.flopsLowFraction ?? 0;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [features, split] = inputShape as Shape[];
    const cin = features[3] as number;
    if (split[1] !== null && this.splitIndex >= (split[1] as number)) throw new Error(`OctaveConv ${this.name}: splitIndex ${this.splitIndex} outside the split vector of ${split[1]} values`);
    const k = this.kernelSize;
    const bound = 1 / Math.sqrt(cin * k * k);
    this.kernel = this.addWeight('kernel', [k, k, cin, this.filters], 'float32', tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed }));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed === undefined ? undefined : this.seed + 1 }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [features] = inputShape as Shape[];
    return [features[0], features[1], features[2], this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [x, split] = inputs as Tensor[];
      const alpha = split.slice([0, this.splitIndex], [-1, 1]);
      return octaveConv(x as Tensor4D, alpha, this.kernel.read() as Tensor4D, this.bias.read());
    });
  }

  macs(inputs: Shape[], output: Shape): number {
    return octaveMacs(output[1] as number, output[2] as number, this.kernelSize, inputs[0][3] as number, this.filters, this.flopsLowFraction);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, splitIndex: this.splitIndex, flopsLowFraction: this.flopsLowFraction };
  }
}

tf.serialization.registerClass(OctaveConv);
