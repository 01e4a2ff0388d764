// Metric keys of the siamese-tracking task (the reports convention eval/<dataset>/<metric>):
// 'otb' is the held-out sequence of the run's fold under the OTB protocol, so the same key
// holds each fold's score and a table row averages the folds (got10k's mean over sequences).
export const METRICS = {
  successAuc: 'eval/otb/success_auc',
  precision20: 'eval/otb/precision20',
  fps: 'eval/otb/fps',
  /** The evaluated tracker alone (one member of a cohort). */
  params: 'eval/tracker/params',
  mb: 'eval/tracker/mb',
  kept: 'eval/otb/kept_frames',
  perSequence: (seq: string, metric: 'success_auc' | 'precision20') => `eval/${seq}/${metric}`,
  member: (p: number, metric: 'success_auc' | 'precision20' | 'fps' | 'params') => `eval/member${p}/${metric}`,
} as const;

/** The eval artifact with a run's curves and boxes. */
export const otbFile = (seq: string) => `otb_${seq}.json`;
/** Predictions in OTB text, one box per frame. */
export const predictionsFile = (seq: string) => `${seq}.txt`;
