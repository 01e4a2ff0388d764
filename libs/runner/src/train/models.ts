// Models as the runner sees them: built from a spec by the backbone registry,
// their weights stored and restored in a fixed order.
import type { LayersModel, Tensor } from '@kdlab/engine';
import { tf } from '@kdlab/engine';
import { toStored, type StoredTensor } from '../checkpoint/stored';
import { readWeightsDir } from '../checkpoint/weights-dir';

/** Every weight of the model (trainable or not), in the model's own order. */
export function modelWeights(model: LayersModel): StoredTensor[] {
  return model.weights.map((w) => toStored(w.originalName, w.read()));
}

export function setModelWeights(what: string, model: LayersModel, stored: StoredTensor[]): void {
  const targets = model.weights;
  if (targets.length !== stored.length) throw new Error(`${what}: holds ${stored.length} tensors, the model has ${targets.length} (a different architecture?)`);
  const values = stored.map((s, i) => {
    const w = targets[i];
    if (s.shape.join('x') !== w.shape.join('x')) throw new Error(`${what}: weight ${i} (${w.originalName}) has shape [${w.shape}], the file has ${s.name} [${s.shape}]`);
    return tf.tensor(s.data, s.shape, s.dtype);
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** Loads the `model` group of a weights dir (a final model, a cached teacher or a checkpoint). */
export function loadModelWeights(dir: string, model: LayersModel): void {
  const { groups } = readWeightsDir(dir);
  const stored = groups.model;
  if (!stored) throw new Error(`${dir}: holds no \`model\` weights group (groups: ${Object.keys(groups).join(', ')})`);
  setModelWeights(dir, model, stored);
}

/**
 * Runs the model in inference mode on the whole batch it is given (tfjs' predict() would
 * otherwise split it into batches of 32: same numbers, smaller and slower convolutions).
 */
export function predictWith(model: LayersModel): (x: Tensor) => Tensor {
  return (x) => model.predict(x, { batchSize: Math.max(1, x.shape[0] ?? 1) }) as Tensor;
}
