// The float planes a metric compares: cropped, as Y or as R, G, B. Grey images count as
// RGB with equal channels, so a grey HR and a 3-channel model output compare on the same Y.
import type { Image } from '@kdlab/data';
import type { MetricOptions } from './convention';

export interface Planes {
  height: number;
  width: number;
  planes: Float64Array[];
}

function checkPair(hr: Image, sr: Image, crop: number): void {
  if (hr.height !== sr.height || hr.width !== sr.width) {
    throw new Error(`HR is ${hr.height}x${hr.width} but SR is ${sr.height}x${sr.width}`);
  }
  if (!Number.isInteger(crop) || crop < 0) throw new Error(`crop must be a non-negative integer, got ${crop}`);
  if (hr.height - 2 * crop <= 0 || hr.width - 2 * crop <= 0) {
    throw new Error(`crop ${crop} leaves nothing of a ${hr.height}x${hr.width} image`);
  }
}

export function toPlanes(img: Image, opts: MetricOptions): Planes {
  const { crop, channel } = opts;
  const height = img.height - 2 * crop;
  const width = img.width - 2 * crop;
  const c = img.channels;
  const n = height * width;
  const outs = channel === 'y' ? [new Float64Array(n)] : [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const d = img.data;
  let i = 0;
  for (let y = 0; y < height; y++) {
    let s = ((y + crop) * img.width + crop) * c;
    for (let x = 0; x < width; x++, i++, s += c) {
      const r = d[s];
      const g = c === 3 ? d[s + 1] : r;
      const b = c === 3 ? d[s + 2] : r;
      if (channel === 'y') {
        outs[0][i] = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
      } else {
        outs[0][i] = r;
        outs[1][i] = g;
        outs[2][i] = b;
      }
    }
  }
  return { height, width, planes: outs };
}

export function toPlanePair(hr: Image, sr: Image, opts: MetricOptions): [Planes, Planes] {
  checkPair(hr, sr, opts.crop);
  if (opts.channel !== 'y' && opts.channel !== 'rgb') throw new Error(`channel must be 'y' or 'rgb', got ${JSON.stringify(opts.channel)}`);
  return [toPlanes(hr, opts), toPlanes(sr, opts)];
}
