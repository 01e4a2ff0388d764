// Metric keys of classification evaluation: `test.<dataset>.top1` (percent),
// as the runner's other tasks name theirs (`test.<dataset>.<metric>`). A
// multi-peer model (online KD, e.g. MCL) also gets one key per peer and the
// ensemble; its `top1` is the mean over peers.
export const clsMetricKey = (dataset: string, metric: string) => `test.${dataset}.${metric}`;
export const peerMetric = (peer: number) => `top1.peer${peer}`;
export const ENSEMBLE_METRIC = 'top1.ensemble';
