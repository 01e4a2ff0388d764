// Bilinear resize of its first input to the spatial size of its second, with PyTorch's
// F.interpolate(mode='bilinear', align_corners=False) sampling (half-pixel centres, source
// index clamped at 0). Written as two interpolation matrices (A_h X A_wᵀ) rather than
// tf.image.resizeBilinear because the tensorflow backend's ResizeBilinearGrad ignores
// halfPixelCenters, so that op's gradient would belong to a different resize. Used by EFDN's ESA.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor2D } from '@kdlab/engine';
import type { ConfigDict, LayerArgs, Shape } from './types';

/** [out, in] matrix of PyTorch's align_corners=False linear interpolation along one axis. */
export function linearInterpMatrix(outSize: number, inSize: number): Tensor2D {
  const a = new Float32Array(outSize * inSize);
  const ratio = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const src = Math.max(0, (i + 0.5) * ratio - 0.5);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const lambda = src - i0;
    a[i * inSize + i0] += 1 - lambda;
    a[i * inSize + i1] += lambda;
  }
  return tf.tensor2d(a, [outSize, inSize]);
}

/** x [N, h, w, C] -> [N, H, W, C]. */
export function resizeBilinearTorch(x: Tensor, H: number, W: number): Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const rows = linearInterpMatrix(H, h).matMul(x.transpose([1, 0, 2, 3]).reshape([h, n * w * c])); // [H, n*w*c]
    const byCol = rows.reshape([H, n, w, c]).transpose([2, 1, 0, 3]).reshape([w, n * H * c]);
    return linearInterpMatrix(W, w).matMul(byCol).reshape([W, n, H, c]).transpose([1, 2, 0, 3]);
  });
}

export class ResizeLike extends tf.layers.Layer {
  static className = 'ResizeLike';

  constructor(args: LayerArgs) {
    super(args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [x, ref] = inputShape as Shape[];
    return [x[0], ref[1], ref[2], x[3]];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`ResizeLike ${this.name}: needs two inputs [x, reference]`);
    const [x, ref] = inputs;
    return resizeBilinearTorch(x, ref.shape[1] as number, ref.shape[2] as number);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig() };
  }
}

tf.serialization.registerClass(ResizeLike);
