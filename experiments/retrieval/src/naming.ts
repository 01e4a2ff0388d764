// Metric keys in the reports convention (libs/reports/README.md): `eval/<dataset>/<metric>`.
export const retrievalMetricKey = (dataset: string, metric: string) => `eval/${dataset}/${metric}`;
export const RECALL_METRICS = ['i2t_r1', 'i2t_r5', 'i2t_r10', 't2i_r1', 't2i_r5', 't2i_r10', 'rsum'] as const;
/** Queries (test images + test captions) answered per second, first stage and re-ranking included. */
export const QPS_METRIC = 'qps';
export const EXAMPLES_FILE = 'examples.json';
export const RANKS_FILE = 'ranks.json';

export const RETRIEVAL_CONVENTION =
  'Recall@1/5/10 (%) for image→text (an image query is correct when any of its 5 captions is in the top K) and text→image ' +
  '(a caption query, its one image in the top K), RSUM = sum of the six; over all images and captions of the split (5 captions ' +
  'per image); ties broken by index; cross-encoders re-rank the top eval.rerankK candidates of a dual-encoder first stage ' +
  '(the rest keep the first-stage order); the model after the last training step';
