// @kdlab/blind-sr: blind super-resolution for kdlab. Importing it registers the `blind-sr` task
// with the runner (found through this package's "kdlab.tasks" when a config says `task: blind-sr`).
import { registerTask } from '@kdlab/runner';
import { blindSrTask } from './task';

registerTask(blindSrTask);

export { blindSrTask } from './task';
export { blindSrDataSchema, GAUSSIAN8_SIGMAS, type BlindSrData, type InputView } from './schema';
export { blindSrBenchFile, blindSrBenchKey, blindSrMeanKey, blindSrMetricKey, blindSrPerImageFile } from './naming';
export { inputFor } from './views';
export { blindSrQuick, blindSrRows, blindSrColumns } from './reproductions';
import { blindSrQuick } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'blind-sr-quick': blindSrQuick };
