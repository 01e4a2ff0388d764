// What the EEG decoders share: the input [N, electrodes, samples, 1], the optional montage
// (ElectrodeSelect), Keras-default initialisation (the reference implementations, Lawhern et al.'s
// EEGModels, are Keras: glorot-uniform kernels, zero biases) and the linear classifier.
//
// Tap names every EEG backbone provides: 'input' (after the montage), its blocks (see each file),
// 'flatten' (the feature vector the classifier reads) and 'logits' (the model output; no softmax,
// the losses take logits).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { ElectrodeSelect, SeededDropout } from './layers';
import { batchNorm } from '../../layers/batch-norm';

export const eegOptions = {
  numClasses: z.number().int().min(2),
  /** Electrodes of the recording the model is fed (the full montage). */
  chans: z.number().int().min(1),
  /** Samples per trial. */
  samples: z.number().int().min(8),
  /** Electrodes (rows of the input) the model sees: a low-density montage. Default: all. */
  electrodes: z.array(z.number().int().min(0)).min(1).optional(),
  /** Dropout rate (each paper's value is the default of its architecture). */
  dropout: z.number().min(0).max(0.95).optional(),
};

export function apply(layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown }, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

export function glorot(rng: Rng) {
  return tf.initializers.glorotUniform({ seed: rng.seed() });
}

/** The model input and, when a montage is given, its electrode selection (tap 'input'). */
export function eegInput(o: { chans: number; samples: number; electrodes?: number[] }): { input: SymbolicTensor; x: SymbolicTensor; electrodes: number } {
  const input = tf.input({ shape: [o.chans, o.samples, 1], name: 'eeg' });
  if (o.electrodes) {
    if (o.electrodes.some((i) => i >= o.chans)) throw new Error(`EEG backbone: electrodes ${JSON.stringify(o.electrodes)} reach past the input's ${o.chans}`);
    return { input, x: apply(new ElectrodeSelect({ name: 'input', indices: o.electrodes }), input), electrodes: o.electrodes.length };
  }
  return { input, x: apply(tf.layers.activation({ activation: 'linear', name: 'input' }), input), electrodes: o.chans };
}

export function dropout(x: SymbolicTensor, name: string, rate: number, rng: Rng): SymbolicTensor {
  return apply(new SeededDropout({ name, rate, seed: rng.seed() }), x);
}

/** BatchNormalization with explicit momentum/epsilon (each reference states its own). */
export function bn(name: string, momentum: number, epsilon: number) {
  return batchNorm({ name, momentum, epsilon, axis: -1 });
}

/** Flatten ('flatten') and the linear classifier ('logits'). */
export function classifier(x: SymbolicTensor, numClasses: number, rng: Rng): SymbolicTensor {
  const flat = apply(tf.layers.flatten({ name: 'flatten' }), x);
  return apply(tf.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: glorot(rng), biasInitializer: 'zeros' }), flat);
}
