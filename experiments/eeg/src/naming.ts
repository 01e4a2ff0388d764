// Metric keys of the eeg-mi task (the reports convention eval/<dataset>/<metric>): the held-out test
// run(s) and the validation run(s) of the fold, e.g. eval/S001-test/accuracy, eval/S001-test/kappa.
export type EegSplit = 'test' | 'val';
export type EegMetric = 'accuracy' | 'kappa';

export function eegMetricKey(subject: string, split: EegSplit, metric: EegMetric): string {
  return `eval/${subject}-${split}/${metric}`;
}
