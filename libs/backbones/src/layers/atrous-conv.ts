// A dilated ("atrous") 3x3-style convolution that TF.js can train: TF.js has no
// gradient for conv2d with dilation > 1, so the layer computes it the way
// tf.nn.atrous_conv2d is defined, as space-to-batch with block `rate`, an ordinary
// 'same' convolution on each of the rate^2 sub-grids, and batch-to-space (the input
// zero-padded to a multiple of `rate` and cropped back; both ops have gradients). With 'same'
// padding this equals a dilated conv with padding rate*(k-1)/2, i.e. PyTorch's
// Conv2d(dilation=rate, padding=rate*(k-1)/2), for odd kernels. No bias (a BN
// follows in every use). Non-square kernels ([5, 1]) are allowed.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from './types';

export interface AtrousConv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: [number, number];
  rate: number;
  /** Seed of the He-normal (fan-out) kernel initialiser. */
  seed?: number;
}

export class AtrousConv2D extends tf.layers.Layer {
  static className = 'AtrousConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly rate: number;
  private readonly seed?: number;
  private kernel?: ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

  constructor(args: AtrousConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.rate) || args.rate < 1) throw new Error(`AtrousConv2D ${args.name ?? ''}: rate must be a positive integer, got ${args.rate}`);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const cin = singleShape(inputShape)[3] as number;
    const [kh, kw] = this.kernelSize;
    const init = tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: this.seed });
    this.kernel = this.addWeight('kernel', [kh, kw, cin, this.filters], 'float32', init);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [s[0], s[1], s[2], this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as Tensor4D;
      const kernel = this.kernel!.read() as Tensor4D;
      const r = this.rate;
      if (r === 1) return tf.conv2d(x, kernel, 1, 'same');
      // Zero rows/columns up to a multiple of r (what 'same' padding reads there anyway), cut off again after.
      const [, h, w] = x.shape;
      const pad: [number, number][] = [[0, (r - (h % r)) % r], [0, (r - (w % r)) % r]];
      const sub = tf.spaceToBatchND(x, [r, r], pad) as Tensor4D;
      return tf.batchToSpaceND(tf.conv2d(sub, kernel, 1, 'same'), [r, r], pad);
    });
  }

  /** Multiply-accumulates (count.ts convention): out_h * out_w * kh * kw * C_in * C_out. */
  macs(inputs: Shape[], output: Shape): number {
    const [kh, kw] = this.kernelSize;
    return (output[1] ?? 1) * (output[2] ?? 1) * kh * kw * (inputs[0][3] ?? 0) * this.filters;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, rate: this.rate };
  }
}

tf.serialization.registerClass(AtrousConv2D);
