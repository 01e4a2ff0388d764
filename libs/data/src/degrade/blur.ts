// 2-D blur with reflect padding (the edge pixel is not repeated: index -1 reads 1, as
// torch.nn.ReflectionPad2d and numpy's 'reflect' mode do), as the DASR/KDSR BatchBlur does
// before its conv2d. conv2d is a correlation (no kernel flip); the Gaussian kernels here are
// point-symmetric, so correlation and convolution agree, but a general kernel is correlated.
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
