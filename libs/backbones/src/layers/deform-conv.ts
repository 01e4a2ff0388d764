// Deformable convolution (v1; Dai et al., "Deformable Convolutional Networks", ICCV 2017): a k x k
// convolution whose taps read the input at learned fractional offsets from the regular grid,
// by bilinear interpolation (zero outside the image, as torchvision.ops.deform_conv2d does).
//
// Inputs: [features [N, H, W, C], offsets [N, H, W, 2·kh·kw]]; the offsets come from elsewhere (a
// conv over the same features in CT's dynamic enhancement module; an alignment branch in
// reference-based SR), so the layer takes them as a second input. Offset channel 2k is the row
// (y) shift and 2k + 1 the column (x) shift of kernel tap k = i·kw + j (torchvision's layout).
// Stride 1, 'same' padding, dilation 1. With all offsets 0 it is exactly an ordinary 'same' conv
// with the same kernel and bias (deform-conv.test.ts checks that and the gradients).
//
// How: for each tap, sample the 4 bilinear neighbours with tf.gather on the flattened input
// (gather and the interpolation weights are differentiable, so gradients reach the features, the
// offsets and the weights; the corner indices are read back to the CPU, see bilinearGather), concatenate the K taps per pixel and multiply with the kernel
// reshaped to [kh·kw·C, filters]: an im2col convolution over deformed columns.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import type { ConfigDict, LayerArgs, Shape } from './types';

export interface DeformConv2DArgs extends LayerArgs {
  filters: number;
  /** Odd kernel size (square). */
  kernelSize: number;
  useBias?: boolean;
  /** Seed of PyTorch's default Conv2d initialisation (U(±1/sqrt(fan_in)) for kernel and bias). */
  seed?: number;
}

type LayerWeight = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

/**
 * Bilinear samples of `x` [N, H, W, C] at fractional positions (rows `py`, columns `px`, both
 * [N, ...grid]); zero outside the image. Returns [N, ...grid, C]. Differentiable w.r.t. `x`
 * (through gather) and the positions (through the interpolation weights).
 *
 * The integer corner indices are computed from the positions' values on the CPU: an index tensor
 * derived inside the gradient tape from the offsets would make TF.js ask for an (int32) gradient
 * of gather's indices, which it refuses; the indices are piecewise constant, so nothing is lost.
 */
export function bilinearGather(x: Tensor4D, py: Tensor, px: Tensor): Tensor {
  const [n, h, w, c] = x.shape;
  if (py.shape[0] !== n || px.shape.join() !== py.shape.join()) throw new Error(`bilinearGather: positions [${py.shape}] / [${px.shape}] must match each other and the batch of x [${x.shape}]`);
  const ys = py.dataSync();
  const xs = px.dataSync();
  const m = ys.length;
  const perBatch = m / n;
  const y0 = new Float32Array(m);
  const x0 = new Float32Array(m);
  // Corners in blocks of m: (y0, x0), (y0, x0 + 1), (y0 + 1, x0), (y0 + 1, x0 + 1); index 0 and
  // weight 0 for a corner outside the image.
  const idx = new Int32Array(4 * m);
  const valid = new Float32Array(4 * m);
  for (let i = 0; i < m; i++) {
    const fy = Math.floor(ys[i]);
    const fx = Math.floor(xs[i]);
    y0[i] = fy;
    x0[i] = fx;
    const base = Math.floor(i / perBatch) * h * w;
    const inY0 = fy >= 0 && fy < h;
    const inY1 = fy + 1 >= 0 && fy + 1 < h;
    const inX0 = fx >= 0 && fx < w;
    const inX1 = fx + 1 >= 0 && fx + 1 < w;
    const at = base + fy * w + fx;
    if (inY0 && inX0) (idx[i] = at), (valid[i] = 1);
    if (inY0 && inX1) (idx[m + i] = at + 1), (valid[m + i] = 1);
    if (inY1 && inX0) (idx[2 * m + i] = at + w), (valid[2 * m + i] = 1);
    if (inY1 && inX1) (idx[3 * m + i] = at + w + 1), (valid[3 * m + i] = 1);
  }
  const shape = py.shape;
  const wy1 = py.sub(tf.tensor(y0, shape));
  const wx1 = px.sub(tf.tensor(x0, shape));
  const wy0 = tf.scalar(1).sub(wy1);
  const wx0 = tf.scalar(1).sub(wx1);
  const weights = tf.stack([wy0.mul(wx0), wy0.mul(wx1), wy1.mul(wx0), wy1.mul(wx1)]).mul(tf.tensor(valid, [4, ...shape])).expandDims(-1);
  // One gather for the four corners, then their weighted sum.
  const vals = tf.gather(x.reshape([n * h * w, c]), tf.tensor1d(idx, 'int32')).reshape([4, ...shape, c]);
  return vals.mul(weights).sum(0);
}

export class DeformConv2D extends tf.layers.Layer {
  static className = 'DeformConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly useBias: boolean;
  private readonly seed?: number;
  private kernel?: LayerWeight;
  private bias?: LayerWeight;

  constructor(args: DeformConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 !== 1) throw new Error(`DeformConv2D ${args.name ?? ''}: kernelSize must be a positive odd integer, got ${args.kernelSize}`);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`DeformConv2D ${args.name ?? ''}: filters must be a positive integer, got ${args.filters}`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  private shapes(inputShape: Shape | Shape[]): [Shape, Shape] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) throw new Error(`DeformConv2D ${this.name}: expects two inputs [features, offsets]`);
    return inputShape as [Shape, Shape];
  }

  override build(inputShape: Shape | Shape[]): void {
    const [features, offsets] = this.shapes(inputShape);
    const cin = features[3] as number;
    const k = this.kernelSize;
    if (offsets[3] !== 2 * k * k) throw new Error(`DeformConv2D ${this.name}: offsets need ${2 * k * k} channels (2 per tap), got ${offsets[3]}`);
    const bound = 1 / Math.sqrt(cin * k * k);
    this.kernel = this.addWeight('kernel', [k, k, cin, this.filters], 'float32', tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed }));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed === undefined ? undefined : this.seed + 1 }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [features] = this.shapes(inputShape);
    return [features[0], features[1], features[2], this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`DeformConv2D ${this.name}: expects two inputs [features, offsets]`);
      const x = inputs[0] as Tensor4D;
      const offsets = inputs[1] as Tensor4D;
      const [n, h, w, c] = x.shape;
      const k = this.kernelSize;
      const taps = k * k;
      const r = (k - 1) / 2;
      // Regular grid position of each tap: row + i - r, column + j - r.
      const tapY = Float32Array.from({ length: taps }, (_, t) => Math.floor(t / k) - r);
      const tapX = Float32Array.from({ length: taps }, (_, t) => (t % k) - r);
      const rows = tf.range(0, h, 1, 'float32').reshape([1, h, 1, 1]);
      const cols = tf.range(0, w, 1, 'float32').reshape([1, 1, w, 1]);
      const off = offsets.reshape([n, h, w, taps, 2]);
      const [dy, dx] = tf.split(off, 2, 4).map((t) => t.reshape([n, h, w, taps]));
      const py = rows.add(tf.tensor(tapY, [1, 1, 1, taps])).add(dy);
      const px = cols.add(tf.tensor(tapX, [1, 1, 1, taps])).add(dx);
      const columns = bilinearGather(x, py, px).reshape([n * h * w, taps * c]);
      let y = tf.matMul(columns, this.kernel!.read().reshape([taps * c, this.filters]));
      if (this.bias) y = y.add(this.bias.read());
      return y.reshape([n, h, w, this.filters]);
    });
  }

  /** Multiply-accumulates (count.ts convention), as an ordinary conv: H · W · k² · C_in · C_out (sampling not counted). */
  macs(inputs: Shape[], output: Shape): number {
    return (output[1] ?? 1) * (output[2] ?? 1) * this.kernelSize * this.kernelSize * (inputs[0][3] ?? 0) * this.filters;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, useBias: this.useBias };
  }
}

tf.serialization.registerClass(DeformConv2D);
