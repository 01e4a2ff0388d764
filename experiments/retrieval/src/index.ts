// @kdlab/retrieval: image-text retrieval for kdlab (Flickr8k-1k). Importing it registers the
// `retrieval` task (found through this package's "kdlab.tasks") and the retrieval-cross /
// retrieval-dual architectures.
import { registerTask } from '@kdlab/runner';
import './model/archs';
import { retrievalTask } from './task';

registerTask(retrievalTask);

export { retrievalTask, RetrievalTaskInstance, loadDualEncoder } from './task';
export { retrievalDataSchema, retrievalEvalSchema, type RetrievalData, type RetrievalEval } from './schema';
export { retrievalMetricKey, RECALL_METRICS, QPS_METRIC, EXAMPLES_FILE, RANKS_FILE, RETRIEVAL_CONVENTION } from './naming';
export { retrievalRecall, RECALL_KS, type Recalls } from './recall';
export { loadFlickr8kSplit, splitImages, FLICKR8K_SPLIT, type RetrievalSplit } from './data/flickr8k';
export { splitFeatures, squareThumbnail, TEXT_DIM, type SplitFeatures } from './data/features';
export { RetrievalBatches } from './data/batch-stream';
export { RetrievalCross, RetrievalDual, RetrievalNet } from './model/net';
export { retrievalNet } from './model/archs';
export { scoreSplit, dualScores, rerankScores } from './eval/score';
export { loadMiniLm, minilmDir, minilmZip, MINILM_PACKAGE } from './text/minilm';
export { BertEncoder, bertConfigFrom, meanPoolNormalize } from './text/bert';
export { WordPieceTokenizer } from './text/wordpiece';
export { parseSafetensors, readSafetensors } from './text/safetensors';
export { retrievalQuick, retrievalReproduction } from './reproductions';
import { retrievalQuick } from './reproductions';

/** `kdlab reproduce <name>` finds these through package.json's `kdlab.reproductions`. */
export const reproductions = { 'retrieval-quick': retrievalQuick };
