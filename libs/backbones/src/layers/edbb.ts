// The edge-enhanced diverse branch block (EDBB) of EFDN (Wang, "Edge-enhanced Feature Distillation
// Network for Efficient Super-Resolution", CVPR-W 2022; icandle/EFDN 3e7c7b4, models/unitv2.py, read,
// not copied), as a re-parameterisable convolution. At training time it is the sum of five branches:
//   3x3 conv  +  1x1 conv  +  Σ_{m ∈ {Sobel-x, Sobel-y, Laplacian}} s_m ⊙ (M_m ∗ (1x1 conv_m(x))) + β_m
// where M_m is a fixed 3x3 mask applied per channel (depthwise) with a learnable per-channel scale s_m
// and bias β_m. The activation (PReLU) follows as a separate layer. At deployment the branches fold
// into one 3x3 conv (foldEdbb): every branch is linear in x, and the 1x1 -> mask branches see the
// input zero-padded BEFORE their 1x1 conv, so their border outputs are those of the folded conv too
// (the released code pads the 1x1 output with its bias, which is the same thing).
//
// As in the released code: the 1x1 -> 3x3 branch exists but is off by default (with_13=False) and is
// not built here; no identity branch (with_idt=False); the mask scales and biases start at N(0, 1e-3)
// (so the edge branches start almost silent); the masks in PyTorch's [row, col] layout are the same in
// TF's [kh, kw] (both are cross-correlations).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from './types';

type LayerWeight = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

/** The fixed 3x3 masks, [kh][kw]. */
export const EDBB_MASKS: Record<'sobelx' | 'sobely' | 'laplacian', number[][]> = {
  sobelx: [
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1],
  ],
  sobely: [
    [1, 2, 1],
    [0, 0, 0],
    [-1, -2, -1],
  ],
  laplacian: [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ],
};
const BRANCHES = ['sobelx', 'sobely', 'laplacian'] as const;

export interface EdbbArgs extends LayerArgs {
  filters: number;
  /** Seed of the initializers (the builder draws it from its Rng). */
  seed?: number;
}

/**
 * Weight order (getWeights / setWeights): k3 [3,3,I,O], b3 [O], k1 [1,1,I,O], b1 [O], then per mask
 * (sobelx, sobely, laplacian): k0 [1,1,I,O], b0 [O], scale [O], bias [O].
 */
export class EDBB extends tf.layers.Layer {
  static className = 'EDBB';
  readonly filters: number;
  private readonly seed?: number;
  private w: LayerWeight[] = [];

  constructor(args: EdbbArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`EDBB ${args.name ?? ''}: filters must be a positive integer, got ${args.filters}`);
    this.filters = args.filters;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const cin = singleShape(inputShape)[3];
    if (typeof cin !== 'number') throw new Error(`EDBB ${this.name}: the input channel count must be known, got shape ${JSON.stringify(inputShape)}`);
    const o = this.filters;
    let s = this.seed ?? 0;
    // PyTorch's default conv init U(±1/sqrt(fan_in)) for kernels and biases; N(0, 1e-3) for the mask scales and biases.
    const uni = (fanIn: number) => tf.initializers.randomUniform({ minval: -1 / Math.sqrt(fanIn), maxval: 1 / Math.sqrt(fanIn), seed: s++ });
    const small = () => tf.initializers.randomNormal({ mean: 0, stddev: 1e-3, seed: s++ });
    this.w = [
      this.addWeight('k3', [3, 3, cin, o], 'float32', uni(9 * cin)),
      this.addWeight('b3', [o], 'float32', uni(9 * cin)),
      this.addWeight('k1', [1, 1, cin, o], 'float32', uni(cin)),
      this.addWeight('b1', [o], 'float32', uni(cin)),
      ...BRANCHES.flatMap((b) => [
        this.addWeight(`${b}.k0`, [1, 1, cin, o], 'float32', uni(cin)),
        this.addWeight(`${b}.b0`, [o], 'float32', uni(cin)),
        this.addWeight(`${b}.scale`, [o], 'float32', small()),
        this.addWeight(`${b}.bias`, [o], 'float32', small()),
      ]),
    ];
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w] = singleShape(inputShape);
    return [n, h, w, this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => edbbForward(single(inputs) as Tensor4D, this.w.map((v) => v.read())));
  }

  /** Multiply-adds at training time: 3x3 + 1x1 + per mask a 1x1 on the padded input and a depthwise 3x3. */
  macs(inputs: Shape[], output: Shape): number {
    const [, h, w, o] = output as number[];
    const cin = inputs[0][3] as number;
    return h * w * 10 * cin * o + BRANCHES.length * ((h + 2) * (w + 2) * cin * o + h * w * 9 * o);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

tf.serialization.registerClass(EDBB);

function maskTensor(m: number[][], channels: number): Tensor4D {
  // [3, 3, C, 1] for depthwiseConv2d: the same mask on every channel.
  return tf.tile(tf.tensor4d(m.flat(), [3, 3, 1, 1]), [1, 1, channels, 1]) as Tensor4D;
}

/** The training-time sum of branches, on weights in EDBB's order. */
export function edbbForward(x: Tensor4D, w: Tensor[]): Tensor4D {
  return tf.tidy(() => {
    const [k3, b3, k1, b1] = w as [Tensor4D, Tensor, Tensor4D, Tensor];
    const o = k3.shape[3];
    let y = tf.conv2d(x, k3, 1, 'same').add(b3).add(tf.conv2d(x, k1, 1, 'same').add(b1)) as Tensor4D;
    const padded = tf.pad(x, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]) as Tensor4D;
    BRANCHES.forEach((b, i) => {
      const [k0, b0, scale, bias] = w.slice(4 + 4 * i, 8 + 4 * i) as [Tensor4D, Tensor, Tensor, Tensor];
      const mid = tf.conv2d(padded, k0, 1, 'valid').add(b0) as Tensor4D;
      const edge = tf.depthwiseConv2d(mid, maskTensor(EDBB_MASKS[b], o), 1, 'valid');
      y = y.add(edge.mul(scale).add(bias)) as Tensor4D;
    });
    return y;
  });
}

/**
 * The one 3x3 conv equal to the block: kernel [3, 3, I, O] and bias [O].
 *   K = k3 + pad(k1) + Σ_m M_m[kh,kw] · k0_m[ci,co] · s_m[co]
 *   B = b3 + b1 + Σ_m (s_m · b0_m · ΣM_m + β_m)          (ΣM_m = 0 for the three masks)
 */
export function foldEdbb(w: Tensor[]): [Tensor4D, Tensor] {
  return tf.tidy(() => {
    const [k3, b3, k1, b1] = w as [Tensor4D, Tensor, Tensor4D, Tensor];
    let kernel = k3.add(tf.pad(k1, [
      [1, 1],
      [1, 1],
      [0, 0],
      [0, 0],
    ])) as Tensor4D;
    let bias = b3.add(b1);
    BRANCHES.forEach((b, i) => {
      const [k0, b0, scale, beta] = w.slice(4 + 4 * i, 8 + 4 * i);
      const m = EDBB_MASKS[b];
      const mask = tf.tensor4d(m.flat(), [3, 3, 1, 1]);
      kernel = kernel.add(mask.mul(k0.mul(scale))) as Tensor4D; // [3,3,1,1] * [1,1,I,O]
      const maskSum = m.flat().reduce((a, v) => a + v, 0);
      bias = bias.add(scale.mul(b0).mul(maskSum)).add(beta);
    });
    return [kernel, bias];
  });
}
