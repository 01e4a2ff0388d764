// Image quality of a denoised CT slice against its normal-dose slice, in Hounsfield units inside a
// display window (the LDCT denoising convention of RED-CNN re-implementations such as
// SSinyu/RED-CNN: both images clipped to [low, high] HU, data range = high - low):
//   RMSE in HU; PSNR = 20 log10(range / RMSE) dB; SSIM of Wang et al. (11x11 Gaussian window,
//   σ = 1.5, K = (0.01, 0.03), L = range, 'valid' filtering, mean of the map) on the whole slice.
// Default window: soft tissue [-160, 240] HU (range 400).
import { ssimPlane } from '@kdlab/metrics';

export interface CtScore {
  psnr: number;
  ssim: number;
  rmse: number;
}

export function ctConvention(window: [number, number]): string {
  return `CT denoising: HU of the output and the normal-dose slice clipped to the window [${window[0]}, ${window[1]}] HU (data range ${window[1] - window[0]} HU); RMSE in HU, PSNR = 20 log10(range / RMSE), SSIM (Wang et al.: 11x11 Gaussian window sigma 1.5, K1 0.01, K2 0.03, L = range) on the whole slice; per dose, mean over the held-out patients' slices`;
}

/** RMSE/PSNR/SSIM of `out` against `ref` (both HU, same size) within `window`. */
export function scoreCt(ref: Float32Array, out: Float32Array, n: number, window: [number, number]): CtScore {
  if (ref.length !== out.length || ref.length !== n * n) throw new Error(`scoreCt: images of ${ref.length} and ${out.length} values, expected ${n}x${n}`);
  const [lo, hi] = window;
  const range = hi - lo;
  const a = new Float64Array(ref.length);
  const b = new Float64Array(ref.length);
  let se = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = Math.min(hi, Math.max(lo, ref[i]));
    const o = Math.min(hi, Math.max(lo, out[i]));
    se += (r - o) ** 2;
    // SSIM is invariant to a common affine map when L maps with it: scale the window to 0..255
    // so the shared implementation's L = 255 constants become L = range.
    a[i] = ((r - lo) / range) * 255;
    b[i] = ((o - lo) / range) * 255;
  }
  const rmse = Math.sqrt(se / ref.length);
  return { rmse, psnr: 20 * Math.log10(range / rmse), ssim: ssimPlane(a, b, n, n) };
}
