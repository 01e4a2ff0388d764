// @kdlab/segmentation: histopathology gland segmentation (GlaS) for kdlab. Importing it
// registers the `segmentation` task with the runner (found through this package's
// "kdlab.tasks") and exposes the seg-quick reproduction.
import { registerTask } from '@kdlab/runner';
import { segmentationTask } from './task';

registerTask(segmentationTask);

export { segmentationTask, SegmentationTaskInstance, GLAS_IMAGE_HW } from './task';
export { segDataSchema, segEvalSchema, type SegData, type SegEval } from './schema';
export { segMetricKey, segPerImageFile, SEG_CONVENTION, SEG_METRICS } from './naming';
export { glasNames, loadGlas, type GlasImage } from './data/glas';
export { slidingWindow, tileStarts } from './sliding-window';
export { objectMetrics } from './metrics/objects';
export { pixelMetrics } from './metrics/confusion';
export { segQuick, segRows, segColumns, SEG_METHODS } from './reproductions';
export { overlay, sideBySide, overlayFigure } from './figures';
import { segQuick } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'seg-quick': segQuick };
