// @kdlab/visual-tracking: visual object tracking for kdlab (Siamese trackers, the OTB protocol,
// distilled Siamese trackers). Not MLflow tracking, which is @kdlab/tracking (libs/tracking).
// Importing it registers the `siamese-tracking` task with the runner.
import { registerTask } from '@kdlab/runner';
import { trackingTask } from './task';
import { trackingQuick } from './reproductions';

registerTask(trackingTask);

export { trackingTask, megabytes } from './task';
export { trackingDataSchema, trackingEvalSchema, type TrackingData, type TrackingEval } from './schema';
export { PairSampler, targetOptions } from './pairs';
export { trackSequence, type TrackRun } from './tracker';
export { loadSequence, type Sequence } from './sequences';
export { makeAnchors, buildTarget, hanning } from './anchors';
export { boxToTarget, targetToBox, cropSquares, exemplarSide } from './crop';
export { METRICS } from './naming';
export * from './otb';
export { trackingQuick, trackingRows, trackingColumns } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'tracking-quick': trackingQuick };
