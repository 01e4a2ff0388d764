// The positive and negative views of PCL-SR (Wu et al., "Practical Contrastive Learning for Single Image
// Super-Resolution", TNNLS 2023; Aitical/PCL-SISR ba4cbb7, src/trainer.py and src/data/div2k.py, read):
//   positives: HR and HR sharpened by kornia.enhance.sharpness with a factor U(0.5, 3) per image
//   negatives: the LR image upsampled bicubically (PyTorch's align_corners=True, a = -0.75, clamped),
//              and HR blurred by kornia's gaussian_blur2d (kernel sizes kx, ky ∈ {3,5,7,9,11} and
//              sigmas σx, σy ∈ U(0.1, 2), one draw per batch; reflect border)
// each quantised to 1/255 as the released code does (utility.quantize). Images are [0, 1] NHWC.
import { tf, type Rng } from '@kdlab/engine';
import type { Tensor, Tensor2D, Tensor4D } from '@kdlab/engine';

/** Round to the 8-bit grid, as the released code does after each augmentation. */
export function quantize(x: Tensor): Tensor {
  return tf.tidy(() => x.clipByValue(0, 1).mul(255).round().div(255));
}

/**
 * kornia.enhance.sharpness: the 3x3 smoothing [1 1 1; 1 5 1; 1 1 1]/13 of the interior (clamped; the
 * 1-pixel border keeps the image), then img' = clamp(deg + f (img - deg)), f per image [N].
 */
export function sharpen(x: Tensor4D, factors: number[]): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const k = tf.tile(tf.tensor4d([1, 1, 1, 1, 5, 1, 1, 1, 1].map((v) => v / 13), [3, 3, 1, 1]), [1, 1, c, 1]) as Tensor4D;
    const smooth = tf.depthwiseConv2d(x, k, 1, 'valid').clipByValue(0, 1);
    const interior = tf.pad(tf.ones([1, h - 2, w - 2, 1]), [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const padded = tf.pad(smooth, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const degenerate = padded.mul(interior).add(x.mul(tf.scalar(1).sub(interior)));
    const f = tf.tensor4d(factors, [n, 1, 1, 1]);
    return degenerate.add(x.sub(degenerate).mul(f)).clipByValue(0, 1) as Tensor4D;
  });
}

function gaussian1d(size: number, sigma: number): number[] {
  const half = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}

/** Separable Gaussian blur with reflect padding (kornia's default border). */
export function gaussianBlur(x: Tensor4D, kx: number, ky: number, sx: number, sy: number): Tensor4D {
  return tf.tidy(() => {
    const c = x.shape[3];
    const py = (ky - 1) / 2;
    const px = (kx - 1) / 2;
    if (x.shape[1] <= py || x.shape[2] <= px) throw new Error(`gaussianBlur: image [${x.shape}] too small for a ${ky} x ${kx} kernel with reflect padding`);
    const padded = tf.mirrorPad(x, [
      [0, 0],
      [py, py],
      [px, px],
      [0, 0],
    ], 'reflect');
    const kv = tf.tile(tf.tensor4d(gaussian1d(ky, sy), [ky, 1, 1, 1]), [1, 1, c, 1]) as Tensor4D;
    const kh = tf.tile(tf.tensor4d(gaussian1d(kx, sx), [1, kx, 1, 1]), [1, 1, c, 1]) as Tensor4D;
    return tf.depthwiseConv2d(tf.depthwiseConv2d(padded, kv, 1, 'valid'), kh, 1, 'valid');
  });
}

function cubic(t: number): number {
  const a = -0.75;
  const x = Math.abs(t);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/** [out, in] matrix of PyTorch's bicubic interpolation with align_corners=True (indices clamped). */
export function bicubicMatrix(outSize: number, inSize: number): Tensor2D {
  const m = new Float32Array(outSize * inSize);
  const ratio = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  for (let i = 0; i < outSize; i++) {
    const src = i * ratio;
    const i0 = Math.floor(src);
    const t = src - i0;
    for (let k = -1; k <= 2; k++) {
      const j = Math.min(Math.max(i0 + k, 0), inSize - 1);
      m[i * inSize + j] += cubic(k - t);
    }
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

/** F.interpolate(x, (H, W), mode='bicubic', align_corners=True).clamp(0, 1), for constant images. */
export function bicubicUpsample(x: Tensor4D, H: number, W: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const rows = bicubicMatrix(H, h).matMul(x.transpose([1, 0, 2, 3]).reshape([h, n * w * c]));
    const byCol = rows.reshape([H, n, w, c]).transpose([2, 1, 0, 3]).reshape([w, n * H * c]);
    return bicubicMatrix(W, w).matMul(byCol).reshape([W, n, H, c]).transpose([1, 2, 0, 3]).clipByValue(0, 1) as Tensor4D;
  });
}

export interface PclViewOptions {
  positives: number;
  negatives: number;
  sharpRange: [number, number];
  blurKernels: number[];
  blurSigma: [number, number];
}

/** The augmented views of one batch (not including HR itself and the upsampled LR). */
export function drawViews(hr: Tensor4D, o: PclViewOptions, rng: Rng): { sharpened: Tensor4D[]; blurred: Tensor4D[] } {
  const n = hr.shape[0];
  const sharpened = Array.from({ length: o.positives }, () => {
    const f = Array.from({ length: n }, () => o.sharpRange[0] + rng.next() * (o.sharpRange[1] - o.sharpRange[0]));
    return tf.tidy(() => quantize(sharpen(hr, f)) as Tensor4D);
  });
  const pick = () => o.blurKernels[Math.min(o.blurKernels.length - 1, Math.floor(rng.next() * o.blurKernels.length))];
  const sigma = () => o.blurSigma[0] + rng.next() * (o.blurSigma[1] - o.blurSigma[0]);
  const blurred = Array.from({ length: o.negatives }, () => {
    const [kx, ky, sx, sy] = [pick(), pick(), sigma(), sigma()];
    return tf.tidy(() => quantize(gaussianBlur(hr, kx, ky, sx, sy)) as Tensor4D);
  });
  return { sharpened, blurred };
}
