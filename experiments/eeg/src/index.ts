// @kdlab/eeg: EEG motor-imagery decoding for kdlab (EEGMMIDB, EDF+). Importing it registers the
// `eeg-mi` task with the runner (found through this package's "kdlab.tasks").
import { registerTask } from '@kdlab/runner';
import { eegTask } from './task';

registerTask(eegTask);

export { eegTask, EegTaskInstance } from './task';
export { eegDataSchema, eegEvalSchema, type EegData, type EegEval } from './schema';
export { eegMetricKey, type EegSplit, type EegMetric } from './naming';
export { scoreLabels, eegConvention, type Scores } from './metrics';
export { bandpassTaps, filterZeroPhase } from './data/filter';
export { readRun, readRecording, runFile, labelOf, sessionRuns, CLASS_NAMES, IMAGERY_RUNS, SFREQ, type ClassSet, type Recording } from './data/eegmmidb';
export { cutEpochs, concatEpochs, samplesOf, type Epochs, type EpochOptions } from './data/epochs';
export { crossRunFold, describeFold, FOLDS, type Fold } from './data/folds';
export { fitStandardiser, applyStandardiser, type ChannelStats } from './data/standardise';
export { loadFold, type FoldData } from './data/load';
export { EpochBatches } from './data/batches';
export { MONTAGES, montage, montageIndices, montageFigure, headPicture, EEGMMIDB_CHANNELS, POSITIONS, canonicalElectrode, type Montage, type Electrode } from './montages';
export { eegQuick, eegPaper, eegRows, eegColumns } from './reproductions';
import { eegQuick, eegPaper } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'eeg-quick': eegQuick, 'eeg-paper': eegPaper };
