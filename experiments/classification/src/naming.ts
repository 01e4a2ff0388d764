// Metric keys of classification evaluation in the reports convention
// (libs/reports/README.md): `eval/<dataset>/top1`, top-1 accuracy in percent.
// A multi-peer model (online KD, e.g. MCL) also gets one key per peer and the
// ensemble (mean of the peers' logits); its `top1` is the mean over peers.
export const clsMetricKey = (dataset: string, metric: string) => `eval/${dataset}/${metric}`;
export const peerMetric = (peer: number) => `top1_peer${peer}`;
export const ENSEMBLE_METRIC = 'top1_ensemble';
/** The eval artifact with per-class accuracy. */
export const PER_CLASS_FILE = 'per-class.json';

export const CLS_CONVENTION =
  'top-1 accuracy (%) on the test images (the whole test split, or its first N images per class when eval.testPerClass is set); ' +
  'the model after the last training step; for a cohort of peers the mean of the peers\' accuracies';
