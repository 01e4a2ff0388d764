// @kdlab/ref-sr: reference-based super-resolution (C2-Matching) for kdlab. Importing it registers the
// `ref-sr` task with the runner (found through this package's "kdlab.tasks" when a config says `task: ref-sr`).
import { registerTask } from '@kdlab/runner';
import { refSrTask } from './task';

registerTask(refSrTask);

export { refSrTask, loadMatcher } from './task';
export { refSrDataSchema, refSrEvalSchema, type RefSrData, type RefSrEval } from './schema';
export { matchCells, flowOf, batchFlow, descriptorsOf } from './matcher';
export { refSrStream } from './train-stream';
export { corrKey, srKey } from './naming';
export { refSrQuick, refSrRows, refSrColumns } from './reproductions';
import { refSrQuick } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'refsr-quick': refSrQuick };
