// 2-D blur with reflect padding (the edge pixel is not repeated: index -1 reads 1, as
// torch.nn.ReflectionPad2d and numpy's 'reflect' mode do), as the DASR/KDSR BatchBlur does
// before its conv2d. conv2d is a correlation (no kernel flip); the Gaussian kernels here are
// point-symmetric, so correlation and convolution agree, but a general kernel is correlated.
// A kernel that carries its 1-D factor (the isotropic Gaussian) is applied as two 1-D passes:
// reflect padding is per axis, so this is the same sum in another order (21 x 2 taps, not 441).
import type { FloatImage } from './float-image';
import { checkKernelSize, type Kernel } from './kernels';

function reflectIndex(i: number, n: number): number {
  return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
}

export function blurReflect(img: FloatImage, kernel: Kernel): FloatImage {
  const { height, width, channels, data } = img;
  const { size, weights } = kernel;
  checkKernelSize(size);
  const half = Math.floor(size / 2);
  if (half >= height || half >= width) {
    throw new Error(`blur: a ${size}x${size} kernel needs an image larger than ${half} pixels per side (reflect padding), got ${height}x${width}`);
  }
  if (kernel.factor) return blurSeparable(img, kernel.factor, half);
  // Pad once (reflect), then every kernel tap is a contiguous multiply-add over a whole row.
  const pw = width + 2 * half;
  const padded = new Float64Array((height + 2 * half) * pw * channels);
  for (let py = 0; py < height + 2 * half; py++) {
    const src = reflectIndex(py - half, height) * width * channels;
    for (let px = 0; px < pw; px++) {
      const s = src + reflectIndex(px - half, width) * channels;
      const d = (py * pw + px) * channels;
      for (let c = 0; c < channels; c++) padded[d + c] = data[s + c];
    }
  }
  const out = new Float64Array(data.length);
  const rowLen = width * channels;
  for (let y = 0; y < height; y++) {
    const dst = y * rowLen;
    for (let ky = 0; ky < size; ky++) {
      const srcRow = (y + ky) * pw * channels;
      for (let kx = 0; kx < size; kx++) {
        const w = weights[ky * size + kx];
        if (w === 0) continue;
        const src = srcRow + kx * channels;
        for (let i = 0; i < rowLen; i++) out[dst + i] += w * padded[src + i];
      }
    }
  }
  return { data: out, height, width, channels };
}

/** Columns pass then rows pass of the 1-D factor f (weights = f ⊗ f), reflect indices per axis. */
function blurSeparable(img: FloatImage, f: Float64Array, half: number): FloatImage {
  const { height, width, channels: ch, data } = img;
  const rowLen = width * ch;
  const tmp = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    const dst = y * rowLen;
    for (let a = 0; a < f.length; a++) {
      const w = f[a];
      const src = reflectIndex(y + a - half, height) * rowLen;
      for (let i = 0; i < rowLen; i++) tmp[dst + i] += w * data[src + i];
    }
  }
  const colOffset = new Int32Array(width + 2 * half);
  for (let i = 0; i < colOffset.length; i++) colOffset[i] = reflectIndex(i - half, width) * ch;
  const out = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    const row = y * rowLen;
    for (let x = 0; x < width; x++) {
      const d = row + x * ch;
      for (let b = 0; b < f.length; b++) {
        const w = f[b];
        const s = row + colOffset[x + b];
        for (let c = 0; c < ch; c++) out[d + c] += w * tmp[s + c];
      }
    }
  }
  return { data: out, height, width, channels: ch };
}
