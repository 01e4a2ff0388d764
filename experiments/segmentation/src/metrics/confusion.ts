// Pixel metrics of binary (background / gland) segmentation from a confusion matrix
// pooled over every pixel of a split (the usual semantic-segmentation convention for
// mIoU; per-image averaging would weight small images more).
export interface Confusion {
  /** Gland predicted as gland, background as gland, gland as background, background as background. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const emptyConfusion = (): Confusion => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

/** Adds the pixels of one image (pred, truth: 0/1, same length). */
export function accumulate(c: Confusion, pred: Uint8Array, truth: Uint8Array): Confusion {
  if (pred.length !== truth.length) throw new Error(`confusion: prediction has ${pred.length} pixels, ground truth ${truth.length}`);
  for (let p = 0; p < pred.length; p++) {
    if (pred[p]) truth[p] ? c.tp++ : c.fp++;
    else truth[p] ? c.fn++ : c.tn++;
  }
  return c;
}

/** dice and iou of the gland class, pixel accuracy, mean IoU over {background, gland}; a class absent from both maps counts IoU/Dice 1. */
export function pixelMetrics(c: Confusion): { dice: number; iou: number; pixel_acc: number; miou: number } {
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const iou = ratio(c.tp, c.tp + c.fp + c.fn);
  const iouBg = ratio(c.tn, c.tn + c.fp + c.fn);
  return {
    dice: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    iou,
    pixel_acc: (c.tp + c.tn) / Math.max(1, c.tp + c.fp + c.fn + c.tn),
    miou: (iou + iouBg) / 2,
  };
}
