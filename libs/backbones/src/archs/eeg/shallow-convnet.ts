// Shallow ConvNet: Schirrmeister, Springenberg, Fiederer, Glasstetter, Eggensperger, Tangermann,
// Hutter, Burgard, Ball, "Deep learning with convolutional neural networks for EEG decoding and
// visualization", Human Brain Mapping 38 (2017) 5391-5420 (the FBCSP-inspired net, figure 2):
//
//   temporal Conv2D(40, (1, 25)) -> spatial Conv2D(40, (C, 1), no bias) -> BN -> square
//   -> AvgPool((1, 75), stride (1, 15)) -> log -> Dropout(0.5) -> flatten -> Dense(classes)
//
// Published hyper-parameters at 250 Hz: 40 filters, kernel 25, pool 75 stride 15, dropout 0.5; BN
// eps 1e-5, momentum 0.1 in PyTorch (= 0.9 in Keras/TF.js), as braindecode and EEGModels.py.
// Lawhern et al. halve kernel and pool for 128 Hz data; kdlab's EEG configs scale them to the
// sampling rate the same way (at 160 Hz: kernel 16, pool 48, stride 10; see experiments/eeg).
// log is log(max(x, 1e-6)) (braindecode's safe_log). Max-norm constraints are not applied (see eegnet.ts).
// Taps: 'input', 'temporal', 'spatial', 'pool' (after log), 'flatten', 'logits'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { registerBackbone } from '../../backbone';
import { apply, bn, classifier, dropout, eegInput, eegOptions, glorot } from './common';
import { SafeLog, Square, TemporalConv } from './layers';

export const shallowConvNetSchema = z
  .object({
    ...eegOptions,
    filters: z.number().int().min(1).default(40),
    kernLength: z.number().int().min(1).default(25),
    poolLength: z.number().int().min(1).default(75),
    poolStride: z.number().int().min(1).default(15),
  })
  .strict();

export function buildShallowConvNet(o: z.output<typeof shallowConvNetSchema>, rng: Rng): LayersModel {
  const { input, x: x0, electrodes } = eegInput(o);
  let x = apply(new TemporalConv({ name: 'temporal', filters: o.filters, kernelLength: o.kernLength, padding: 'valid', useBias: true, kernelInitializer: glorot(rng) }), x0);
  x = apply(tf.layers.conv2d({ name: 'spatial', filters: o.filters, kernelSize: [electrodes, 1], padding: 'valid', useBias: false, kernelInitializer: glorot(rng) }), x);
  x = apply(bn('spatial.bn', 0.9, 1e-5), x);
  x = apply(new Square({ name: 'square' }), x);
  x = apply(tf.layers.averagePooling2d({ name: 'avgpool', poolSize: [1, o.poolLength], strides: [1, o.poolStride] }), x);
  x = apply(new SafeLog({ name: 'pool' }), x);
  x = dropout(x, 'dropout', o.dropout ?? 0.5, rng);
  return tf.model({ inputs: input, outputs: classifier(x, o.numClasses, rng), name: 'shallow-convnet' });
}

registerBackbone('shallow-convnet', shallowConvNetSchema, buildShallowConvNet);
