// @kdlab/sisr: single-image super-resolution for kdlab. Importing it registers
// the `sr` task with the runner (the runner imports it when a config says
// `task: sr`, found through this package's "kdlab.tasks").
import { registerTask } from '@kdlab/runner';
import { srTask } from './task';

registerTask(srTask);

export { srTask } from './task';
export { srDataSchema, srEvalSchema, type SrData, type SrEval } from './schema';
export { srMetricKey, srPerImageFile } from './naming';
export { sisrQuick, sisrRows, sisrColumns } from './reproductions';
import { sisrQuick } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'sisr-quick': sisrQuick };
