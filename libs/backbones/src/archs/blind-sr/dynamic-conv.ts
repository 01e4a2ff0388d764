// The convolution of KDSR's IDR_DDC (KDSR-classic/model_*/blindsr.py): a 3x3 depthwise
// convolution whose kernel differs per image, predicted from the image's IDR vector. The released
// code views the predicted [B, C·k·k] as B·C kernels of k x k (kernel[b, c, i, j] = v[b, c·k·k +
// i·k + j]) and runs F.conv2d(groups = B·C, zero padding (k-1)/2), a cross-correlation:
//   out[b, y, x, c] = Σ_{i,j} kernel[b, c, i, j] · in[b, y + i - p, x + j - p, c].
// Written as k·k shifted slices times per-(image, channel) weights, which TF.js differentiates.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import type { ConfigDict, LayerArgs, Shape } from '../../layers/types';

export interface DynamicDepthwiseConvArgs extends LayerArgs {
  kernelSize: number;
}

/** Inputs [features NHWC, kernels [N, C·k·k]]; no weights of its own. */
export class DynamicDepthwiseConv extends tf.layers.Layer {
  static className = 'DynamicDepthwiseConv';
  readonly kernelSize: number;

  constructor(args: DynamicDepthwiseConvArgs) {
    super(args);
    if (!Number.isInteger(args.kernelSize) || args.kernelSize < 1 || args.kernelSize % 2 === 0) throw new Error(`DynamicDepthwiseConv ${args.name ?? ''}: kernelSize must be a positive odd integer, got ${args.kernelSize}`);
    this.kernelSize = args.kernelSize;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [x, k] = inputShape as Shape[];
    const c = x[3];
    if (c !== null && k[1] !== null && k[1] !== c * this.kernelSize ** 2) throw new Error(`DynamicDepthwiseConv ${this.name}: kernels have ${k[1]} values per image, expected channels ${c} x ${this.kernelSize}^2`);
    return x;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => dynamicDepthwiseConv((inputs as Tensor[])[0], (inputs as Tensor[])[1], this.kernelSize));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), kernelSize: this.kernelSize };
  }
}

tf.serialization.registerClass(DynamicDepthwiseConv);

export function dynamicDepthwiseConv(x: Tensor, kernels: Tensor, k: number): Tensor {
  const [n, h, w, c] = x.shape as number[];
  const p = (k - 1) / 2;
  const padded = x.pad([[0, 0], [p, p], [p, p], [0, 0]]);
  // [N, C·k·k] -> [N, C, k·k] -> k·k tensors of [N, 1, 1, C]
  const taps = kernels.reshape([n, c, k * k]).transpose([2, 0, 1]);
  let out: Tensor = tf.zeros([n, h, w, c]);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const weight = taps.slice([i * k + j, 0, 0], [1, n, c]).reshape([n, 1, 1, c]);
      out = out.add(padded.slice([0, i, j, 0], [n, h, w, c]).mul(weight));
    }
  }
  return out;
}
