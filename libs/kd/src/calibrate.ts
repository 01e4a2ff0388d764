// The cross-task weight rule: one rule for every domain, so that no distillation term is tuned on any
// domain's test set. Each calibrated term k gets
//
//     w_k = fraction * L_task / L_k
//
// where L_task = sum of (configured weight x raw value) over the task terms (those against the ground
// truth, teacher 'target') and L_k is term k's raw (unweighted) value, both measured on the first
// training batch with the freshly initialised student. Term k therefore starts at exactly `fraction`
// of the task loss, whatever the scale of its loss (L1 on [0, 1] images, FitNet L2 on 0-255 features,
// AT's normalised maps...). The rule says nothing about how the ratio evolves during training.
// The runner measures the values (libs/runner/src/train/calibrate.ts); this file is the arithmetic.

export interface CalibrationInput {
  /** Raw (unweighted) value of every term on the first training batch. */
  raw: Record<string, number>;
  /** Configured weight of every term (used for the task terms). */
  weights: Record<string, number>;
  /** Names of the task terms (teacher: 'target'). */
  taskTerms: readonly string[];
  /** Names of the terms whose weights the rule sets. */
  calibrated: readonly string[];
  fraction: number;
}

export interface Calibration {
  /** The weighted task loss on the first batch. */
  taskLoss: number;
  /** New weight per calibrated term. */
  weights: Record<string, number>;
}

/** Below this a term carries no signal at initialisation: no finite weight makes it start at the fraction. */
const MIN_RAW = 1e-12;

export function calibratedWeights(input: CalibrationInput): Calibration {
  if (!(input.fraction > 0) || !Number.isFinite(input.fraction)) throw new Error(`kd.calibrate.fraction: expected a positive number, got ${input.fraction}`);
  if (input.taskTerms.length === 0) throw new Error('kd.calibrate: no task term (a term with teacher: target) to measure the others against');
  const valueOf = (name: string): number => {
    const v = input.raw[name];
    if (v === undefined) throw new Error(`kd.calibrate: no first-batch value for term '${name}'`);
    if (!Number.isFinite(v)) throw new Error(`kd.calibrate: term '${name}' is ${v} on the first training batch`);
    return v;
  };
  const taskLoss = input.taskTerms.reduce((acc, n) => acc + (input.weights[n] ?? 0) * valueOf(n), 0);
  if (!(taskLoss > MIN_RAW)) throw new Error(`kd.calibrate: the task loss is ${taskLoss} on the first training batch; nothing to scale against`);
  const weights: Record<string, number> = {};
  for (const name of input.calibrated) {
    if (input.taskTerms.includes(name)) throw new Error(`kd.calibrate: '${name}' is a task term; the rule scales the other terms against it`);
    const v = valueOf(name);
    if (!(Math.abs(v) > MIN_RAW)) throw new Error(`kd.calibrate: term '${name}' is ${v} on the first training batch (student and teacher already agree there?): no weight makes it start at ${input.fraction} of the task loss`);
    weights[name] = (input.fraction * taskLoss) / Math.abs(v);
  }
  return { taskLoss, weights };
}
