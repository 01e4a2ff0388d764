// EEGNet: Lawhern, Solon, Waytowich, Gordon, Hung, Lance, "EEGNet: a compact convolutional neural
// network for EEG-based brain-computer interfaces", J. Neural Eng. 15 (2018) 056013; layer by
// layer as the authors' Keras code (vlawhern/arl-eegmodels, EEGModels.py `EEGNet`):
//
//   block1: Conv2D(F1, (1, kernLength), same, no bias) -> BN -> DepthwiseConv2D((C, 1), D, no bias)
//           -> BN -> ELU -> AvgPool(1, 4) -> Dropout
//   block2: SeparableConv2D(F2, (1, 16), same, no bias) -> BN -> ELU -> AvgPool(1, 8) -> Dropout
//   flatten -> Dense(classes)                      (softmax left to the loss)
//
// Published hyper-parameters (EEGNet-8,2): F1 = 8, D = 2, F2 = F1 * D = 16, kernLength = half the
// sampling rate (64 at 128 Hz: 80 at EEGMMIDB's 160 Hz), dropout 0.5 within-subject and 0.25
// cross-subject; BN with Keras defaults (momentum 0.99, eps 1e-3).
// Deviation: the max-norm constraints (1 on the depthwise kernel, 0.25 on the dense layer) are not
// applied — the runner's loop (optimizer.minimize) has no constraint hook; noted in the EEG README.
// Taps: 'input', 'block1' [N, 1, T/4, F1*D], 'block2' [N, 1, T/32, F2], 'flatten', 'logits'.
// A montage changes only the depthwise kernel's height, so teacher and student taps share shapes.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { apply, bn, classifier, dropout, eegInput, eegOptions, glorot } from './common';
import { TemporalConv } from './layers';

export const eegnetSchema = z
  .object({
    ...eegOptions,
    F1: z.number().int().min(1).default(8),
    D: z.number().int().min(1).default(2),
    F2: z.number().int().min(1).optional(),
    kernLength: z.number().int().min(1).default(64),
    separableLength: z.number().int().min(1).default(16),
  })
  .strict();

export function buildEegnet(o: z.output<typeof eegnetSchema>, rng: Rng): LayersModel {
  const F2 = o.F2 ?? o.F1 * o.D;
  const rate = o.dropout ?? 0.5;
  const { input, x: x0, electrodes } = eegInput(o);
  let x = apply(new TemporalConv({ name: 'block1.temporal', filters: o.F1, kernelLength: o.kernLength, padding: 'same', useBias: false, kernelInitializer: glorot(rng) }), x0);
  x = apply(bn('block1.bn1', 0.99, 1e-3), x);
  x = apply(tf.layers.depthwiseConv2d({ name: 'block1.spatial', kernelSize: [electrodes, 1], depthMultiplier: o.D, padding: 'valid', useBias: false, depthwiseInitializer: glorot(rng) }), x);
  x = apply(bn('block1.bn2', 0.99, 1e-3), x);
  x = apply(tf.layers.elu({ name: 'block1.elu' }), x);
  x = apply(tf.layers.averagePooling2d({ name: 'block1.pool', poolSize: [1, 4], strides: [1, 4] }), x);
  x = dropout(x, 'block1', rate, rng);
  x = apply(tf.layers.separableConv2d({ name: 'block2.separable', filters: F2, kernelSize: [1, o.separableLength], padding: 'same', useBias: false, depthwiseInitializer: glorot(rng), pointwiseInitializer: glorot(rng) }), x);
  x = apply(bn('block2.bn', 0.99, 1e-3), x);
  x = apply(tf.layers.elu({ name: 'block2.elu' }), x);
  x = apply(tf.layers.averagePooling2d({ name: 'block2.pool', poolSize: [1, 8], strides: [1, 8] }), x);
  x = dropout(x, 'block2', rate, rng);
  return tf.model({ inputs: input, outputs: classifier(x, o.numClasses, rng), name: `eegnet-${o.F1},${o.D}` });
}

registerBackbone('eegnet', eegnetSchema, buildEegnet);
registerPreset('eegnet-8,2', 'eegnet', { F1: 8, D: 2 }, 'EEGNet-8,2 (Lawhern et al. 2018): F1 8, D 2, F2 16');
registerPreset('eegnet-4,2', 'eegnet', { F1: 4, D: 2 }, 'EEGNet-4,2 (Lawhern et al. 2018): F1 4, D 2, F2 8');
