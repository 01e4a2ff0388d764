// Motor-imagery decoding is scored, as in the BCI literature (BCI Competition IV; EEGNet,
// Lawhern et al. 2018), by accuracy and Cohen's kappa on the held-out trials:
//   kappa = (p_o - p_e) / (1 - p_e), p_o the accuracy, p_e = sum_k (true_k / n) (pred_k / n)
// the agreement expected by chance from the two marginals (Cohen 1960).

export interface Scores {
  /** Percent correct. */
  accuracy: number;
  kappa: number;
  confusion: number[][];
  n: number;
}

export function scoreLabels(truth: ArrayLike<number>, pred: ArrayLike<number>, classes: number): Scores {
  const n = truth.length;
  if (pred.length !== n || n === 0) throw new Error(`scores: ${n} labels and ${pred.length} predictions`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < n; i++) confusion[truth[i]][pred[i]]++;
  let correct = 0;
  let chance = 0;
  for (let k = 0; k < classes; k++) {
    correct += confusion[k][k];
    const rows = confusion[k].reduce((a, b) => a + b, 0);
    const cols = confusion.reduce((a, r) => a + r[k], 0);
    chance += (rows / n) * (cols / n);
  }
  const po = correct / n;
  // All trials of one class predicted as that class only: p_e = 1, kappa undefined; report 0 agreement beyond chance.
  const kappa = chance >= 1 ? 0 : (po - chance) / (1 - chance);
  return { accuracy: 100 * po, kappa, confusion, n };
}

/** The metric convention of a run, for the kdlab.metric_convention tag and the README. */
export function eegConvention(d: { subject: string; classes: string; band: [number, number]; taps: number; window: [number, number]; baseline: [number, number] | null; validation: string }): string {
  return [
    `accuracy (% correct) and Cohen's kappa on the held-out trials of the test run(s) of a within-subject cross-run fold (EEGMMIDB ${d.subject} imagery runs, classes '${d.classes}'; ${d.validation === 'run' ? 'train, validate and test on different runs' : 'train on two sessions, test on the third, no validation run'}), tables: mean ± sample std over folds and seeds`,
    `trials [${d.window[0]}, ${d.window[1]}) s after the T1/T2 cue, ${d.band[0]}-${d.band[1]} Hz zero-phase FIR band-pass (${d.taps} taps, Hamming), ${d.baseline ? `baseline [${d.baseline[0]}, ${d.baseline[1]}) s subtracted` : 'no baseline subtraction'}, per-electrode standardisation fitted on the training trials only`,
    'last training step (no early stopping)',
  ].join('; ');
}
