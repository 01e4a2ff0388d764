// Cross-correlation of a search embedding with per-sample kernels made from the
// exemplar: the operation every Siamese tracker is built on.
//
//   inputs [z, x]: z [N, h, w, C*O] (the template branch), x [N, H, W, C]
//   output [N, H-h+1, W-w+1, O]:  out[n,i,j,o] = sum_{a,b,c} z[n,a,b,c*O+o] * x[n,i+a,j+b,c]
//
// O = 1 with z the plain exemplar embedding is SiamFC's correlation (Bertinetto et al.
// 2016); O = 2K or 4K with z from the template adjust convs is SiamRPN's "up-channel"
// correlation (Li et al. 2018). SiamFC follows the correlation with a learned affine
// (`affine: true`: out * scale + bias, scale initialised to `scaleInit`), the "adjust"
// layer of the authors' MATLAB code, because a raw correlation's magnitude grows with C.
// Each sample has its own kernel, so the batch is a loop of conv2d calls (batch sizes
// here are 8-16); conv2d's gradient flows to both the search input and the kernel.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor4D } from '@kdlab/engine';
import type { ConfigDict, LayerArgs, Shape } from '../../layers/types';

export interface XCorrArgs extends LayerArgs {
  /** Output channels O (kernels per sample). */
  outChannels: number;
  affine?: boolean;
  scaleInit?: number;
}

type LayerWeight = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

/** out[n] = conv2d(x[n], reshape(z[n], [h, w, C, O])) (valid, stride 1). */
export function xcorr(z: Tensor4D, x: Tensor4D, outChannels: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, zc] = z.shape;
    const c = x.shape[3];
    if (zc !== c * outChannels) throw new Error(`xcorr: template has ${zc} channels, expected search channels ${c} x ${outChannels}`);
    if (z.shape[0] !== x.shape[0]) throw new Error(`xcorr: batch ${z.shape[0]} (template) differs from ${x.shape[0]} (search)`);
    const outs: Tensor4D[] = [];
    for (let i = 0; i < n; i++) {
      const kernel = z.slice([i, 0, 0, 0], [1, h, w, zc]).reshape([h, w, c, outChannels]) as unknown as Tensor4D;
      const xi = x.slice([i, 0, 0, 0], [1, x.shape[1], x.shape[2], c]);
      outs.push(tf.conv2d(xi, kernel, 1, 'valid'));
    }
    return n === 1 ? outs[0] : tf.concat(outs, 0);
  });
}

export class XCorr extends tf.layers.Layer {
  static className = 'XCorr';
  readonly outChannels: number;
  readonly affine: boolean;
  readonly scaleInit: number;
  private scale?: LayerWeight;
  private bias?: LayerWeight;

  constructor(args: XCorrArgs) {
    super(args);
    if (!Number.isInteger(args.outChannels) || args.outChannels < 1) throw new Error(`XCorr ${args.name ?? ''}: outChannels ${args.outChannels} must be an integer >= 1`);
    this.outChannels = args.outChannels;
    this.affine = args.affine ?? false;
    this.scaleInit = args.scaleInit ?? 1e-3;
  }

  override build(): void {
    if (this.affine) {
      this.scale = this.addWeight('scale', [1], 'float32', tf.initializers.constant({ value: this.scaleInit }));
      this.bias = this.addWeight('bias', [1], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [z, x] = inputShape as Shape[];
    const dim = (big: number | null, small: number | null) => (big === null || small === null ? null : big - small + 1);
    return [x[0], dim(x[1], z[1]), dim(x[2], z[2]), this.outChannels];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [z, x] = inputs as Tensor[];
      const out = xcorr(z as Tensor4D, x as Tensor4D, this.outChannels);
      return this.affine ? out.mul(this.scale!.read()).add(this.bias!.read()) : out;
    });
  }

  /** Multiply-accumulates: one h x w x C kernel per output value (see count.ts). */
  macs(inputs: Shape[], output: Shape): number {
    const [z] = inputs;
    const c = (z[3] ?? 0) / this.outChannels;
    return (output[1] ?? 0) * (output[2] ?? 0) * this.outChannels * (z[1] ?? 0) * (z[2] ?? 0) * c;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), outChannels: this.outChannels, affine: this.affine, scaleInit: this.scaleInit };
  }
}

tf.serialization.registerClass(XCorr);

/** A single-sample response for the tracker's inference path: z [1,h,w,C*O], x [S,H,W,C] (S scales share one template). */
export function xcorrShared(z: Tensor4D, x: Tensor4D, outChannels: number): Tensor4D {
  return tf.tidy(() => {
    const [, h, w, zc] = z.shape;
    const kernel = z.reshape([h, w, zc / outChannels, outChannels]) as unknown as Tensor4D;
    return tf.conv2d(x, kernel, 1, 'valid');
  });
}
