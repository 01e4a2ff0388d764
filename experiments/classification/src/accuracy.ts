// Top-1 accuracy from logits, for one model or for a multi-peer model whose
// output concatenates P peers' logits ([N, P*C]; online KD such as MCL).
export interface AccuracyCounts {
  /** Correct predictions per peer (one entry for a single model). */
  correct: number[];
  /** Correct predictions of the ensemble (mean of the peers' logits); equals correct[0] for one model. */
  ensembleCorrect: number;
  total: number;
  /** Per class: images and correct predictions of the ensemble (the model itself for one model). */
  perClass: { total: number; correct: number }[];
}

export function emptyCounts(classes: number, peers: number): AccuracyCounts {
  return { correct: new Array<number>(peers).fill(0), ensembleCorrect: 0, total: 0, perClass: Array.from({ length: classes }, () => ({ total: 0, correct: 0 })) };
}

function argmax(values: Float32Array | number[], from: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[from + k] > values[from + best]) best = k;
  return best;
}

/** Adds a batch: `logits` is row-major [labels.length, peers*classes]. */
export function countBatch(counts: AccuracyCounts, logits: Float32Array, labels: ArrayLike<number>, classes: number): void {
  const peers = counts.correct.length;
  const width = peers * classes;
  if (logits.length !== labels.length * width) {
    throw new Error(`accuracy: ${logits.length} logits for ${labels.length} labels x ${peers} peer(s) x ${classes} classes`);
  }
  const mean = new Float32Array(classes);
  for (let i = 0; i < labels.length; i++) {
    mean.fill(0);
    for (let p = 0; p < peers; p++) {
      const from = i * width + p * classes;
      if (argmax(logits, from, classes) === labels[i]) counts.correct[p]++;
      for (let k = 0; k < classes; k++) mean[k] += logits[from + k];
    }
    const hit = argmax(mean, 0, classes) === labels[i];
    if (hit) counts.ensembleCorrect++;
    counts.perClass[labels[i]].total++;
    if (hit) counts.perClass[labels[i]].correct++;
  }
  counts.total += labels.length;
}

/** The number of peers an output of `width` logits holds for `classes` classes. */
export function peersOf(width: number, classes: number): number {
  if (width % classes !== 0) throw new Error(`the model outputs ${width} logits, not a multiple of the ${classes} classes`);
  return width / classes;
}
