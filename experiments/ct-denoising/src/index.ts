// @kdlab/ct-denoising: low-dose CT denoising for kdlab. Importing it registers the `ct-denoise`
// task with the runner (found through this package's "kdlab.tasks").
import { registerTask } from '@kdlab/runner';
import { ctTask } from './task';
import { ctQuick } from './reproductions';

registerTask(ctTask);

export { ctTask, denoiseSlice, sliceTensor, toUnit, fromUnit } from './task';
export { ctDataSchema, ctEvalSchema, simulationSchema, type CtData, type CtEval, type SimulationParams } from './schema';
export { ctMetricKey, ctPerImageFile, doseTag } from './naming';
export { scoreCt, ctConvention, type CtScore } from './metrics';
export { loadNdctSlices, lowDoseSlice, simulateSet, simulationKey, simulationRecord, noiseSeed, defaultCtCacheDir, SIMULATOR_VERSION, type NdctSlice, type SimulatedSet } from './pairs';
export { ctQuick, ctRows, ctColumns } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'ct-quick': ctQuick };
