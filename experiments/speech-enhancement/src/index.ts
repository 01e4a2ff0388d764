// @kdlab/speech-enhancement: time-domain speech enhancement for kdlab. Importing it
// registers the `speech-enhance` task with the runner (found through this package's
// "kdlab.tasks" when a config says `task: speech-enhance`).
import { registerTask } from '@kdlab/runner';
import { speechTask } from './task';
import { speechQuick } from './reproductions';

registerTask(speechTask);

export { speechTask, enhance } from './task';
export { speechDataSchema, speechEvalSchema, type SpeechData, type SpeechEval } from './schema';
export { speechMetricKey, speechPerFileName, EXAMPLE_FILE } from './naming';
export { readWav, writeWav, listWavs, SPEECH_RATE, type Audio } from './audio/wav';
export { mixAtSnr, makeMixtures, reverberate } from './audio/mix';
export { loadSpeechPairs, type SpeechPair } from './data/pairs';
export { scorePair, meanScores, SPEECH_METRICS, SPEECH_CONVENTION, type SpeechScores, type PairScores } from './metrics/evaluate';
export { PesqWorker, type PesqMode } from './metrics/pesq';
export { stoi } from './metrics/stoi';
export { siSdr } from './metrics/sisdr';
export { segmentalSnr } from './metrics/ssnr';
export { composite, llr, wss } from './metrics/composite';
export { speechQuick } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'speech-quick': speechQuick };
