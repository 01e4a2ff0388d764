// Metric keys of segmentation evaluation in the reports convention
// (libs/reports/README.md): `eval/glas-<split>/<metric>`.
export const SEG_METRICS = ['dice', 'iou', 'pixel_acc', 'miou', 'obj_dice', 'obj_hausdorff'] as const;
export type SegMetric = (typeof SEG_METRICS)[number];
export const segMetricKey = (split: string, metric: SegMetric) => `eval/glas-${split}/${metric}`;
/** Per-image results (object Dice, object Hausdorff, pixel counts) of a split, under the run's eval/. */
export const segPerImageFile = (split: string) => `glas-${split}.json`;

export const SEG_CONVENTION =
  'GlaS, binary gland segmentation, scored at the original image resolution (predictions made on k-downsampled images are upsampled bilinearly as probabilities, then arg-max): ' +
  'dice / iou of the gland class and pixel_acc / miou (mean IoU of background and gland) from the confusion matrix pooled over every pixel of the split; ' +
  'obj_dice and obj_hausdorff (pixels of the original image) as the GlaS challenge defines them (Sirinukunwattana et al. 2017) on 8-connected components of the binary masks, per image, then the mean over images; ' +
  'sliding-window inference with overlapping tiles averaging softmax probabilities; the model after the last training step';
