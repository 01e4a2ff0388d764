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
  const rowIndex = new Int32Array(height + 2 * half);
  for (let i = 0; i < rowIndex.length; i++) rowIndex[i] = reflectIndex(i - half, height);
  const colOffset = new Int32Array(width + 2 * half);
  for (let i = 0; i < colOffset.length; i++) colOffset[i] = reflectIndex(i - half, width) * channels;
  const out = new Float64Array(data.length);
  const rowLen = width * channels;
  for (let y = 0; y < height; y++) {
    const dstRow = y * rowLen;
    for (let ky = 0; ky < size; ky++) {
      const srcRow = rowIndex[y + ky] * rowLen;
      for (let kx = 0; kx < size; kx++) {
        const w = weights[ky * size + kx];
        if (w === 0) continue;
        for (let x = 0; x < width; x++) {
          const s = srcRow + colOffset[x + kx];
          const d = dstRow + x * channels;
          for (let c = 0; c < channels; c++) out[d + c] += w * data[s + c];
        }
      }
    }
  }
  return { data: out, height, width, channels };
}
