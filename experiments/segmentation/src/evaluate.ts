// Scoring of one split: sliding-window probabilities on the working resolution,
// upsampled (bilinear, half-pixel centres) to k times that size and cropped to the
// original image, arg-max, then pixel metrics pooled over the split and object metrics
// per image (mean over images).
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor3D } from '@kdlab/engine';
import { boxDownsample, type GlasImage } from './data/glas';
import { normalise, type ChannelStats } from './data/normalise';
import { accumulate, emptyConfusion, pixelMetrics } from './metrics/confusion';
import { objectMetrics } from './metrics/objects';
import { slidingWindow, type SlidingWindowOptions } from './sliding-window';

/** The predicted 0/1 gland mask of `g` at its original resolution. */
export function predictMask(g: GlasImage, predict: (x: Tensor) => Tensor, stats: ChannelStats, window: SlidingWindowOptions): Uint8Array {
  const { height: h, width: w } = g.image;
  const x = new Float32Array(h * w * 3);
  normalise(g.image.data, stats, x);
  const { probs, classes } = slidingWindow(x, h, w, 3, (t) => predict(t), window);
  return tf.tidy(() => {
    let p = tf.tensor3d(probs, [h, w, classes]) as Tensor3D;
    if (g.factor > 1) p = tf.image.resizeBilinear(p, [h * g.factor, w * g.factor], false, true).slice([0, 0, 0], [g.fullHeight, g.fullWidth, classes]);
    return Uint8Array.from(p.argMax(-1).dataSync());
  });
}

export interface ImageScore {
  name: string;
  obj_dice: number;
  obj_hausdorff: number;
  gland_objects: number;
  predicted_objects: number;
  dice: number;
}

/** A 0/1 mask box-downsampled by k (majority), as the working-resolution masks are made. */
export function downsampleMask(m: Uint8Array, h: number, w: number, k: number): { mask: Uint8Array; height: number; width: number } {
  const small = boxDownsample(m.map((v) => v * 255), h, w, 1, k);
  return { mask: small.data.map((v) => (v >= 128 ? 1 : 0)), height: small.height, width: small.width };
}

/** GlaS object metrics of one image at the original resolution, or at the working one with distances scaled by k. */
function objectScores(pred: Uint8Array, g: GlasImage, where: 'original' | 'working') {
  if (where === 'original' || g.factor === 1) return objectMetrics(pred, g.fullMask, g.fullHeight, g.fullWidth);
  const p = downsampleMask(pred, g.fullHeight, g.fullWidth, g.factor);
  const o = objectMetrics(p.mask, g.mask, p.height, p.width);
  return { ...o, objHausdorff: o.objHausdorff * g.factor };
}

export function scoreSplit(images: GlasImage[], predict: (x: Tensor) => Tensor, stats: ChannelStats, window: SlidingWindowOptions, onImage?: () => void, objectResolution: 'original' | 'working' = 'original') {
  const total = emptyConfusion();
  const perImage: ImageScore[] = [];
  for (const g of images) {
    const pred = predictMask(g, predict, stats, window);
    const c = accumulate(emptyConfusion(), pred, g.fullMask);
    for (const k of ['tp', 'fp', 'fn', 'tn'] as const) total[k] += c[k];
    const o = objectScores(pred, g, objectResolution);
    perImage.push({ name: g.name, obj_dice: o.objDice, obj_hausdorff: o.objHausdorff, gland_objects: o.gObjects, predicted_objects: o.sObjects, dice: pixelMetrics(c).dice });
    onImage?.();
  }
  const mean = (k: 'obj_dice' | 'obj_hausdorff') => perImage.reduce((a, r) => a + r[k], 0) / perImage.length;
  return { metrics: { ...pixelMetrics(total), obj_dice: mean('obj_dice'), obj_hausdorff: mean('obj_hausdorff') }, perImage, confusion: total };
}
