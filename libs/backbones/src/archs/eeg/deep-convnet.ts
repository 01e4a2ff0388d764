// Deep ConvNet: Schirrmeister et al., Human Brain Mapping 38 (2017) 5391-5420 (figure 1):
//
//   block1: Conv2D(25, (1, 10)) -> Conv2D(25, (C, 1), no bias) -> BN -> ELU -> MaxPool((1, 3), stride 3) -> Dropout
//   block2..4: Dropout -> Conv2D(50 | 100 | 200, (1, 10), no bias) -> BN -> ELU -> MaxPool((1, 3), stride 3)
//   flatten -> Dense(classes)
//
// Published hyper-parameters (250 Hz): kernel 10, pool 3 stride 3, filters 25-25-50-100-200,
// dropout 0.5, ELU, BN eps 1e-5 momentum 0.1 (PyTorch; 0.9 here). Dropout placement as braindecode
// (before each later conv); EEGModels.py drops after each block, which is the same sequence of
// operations except for the last block. Max-norm constraints not applied (see eegnet.ts).
// Taps: 'input', 'block1'..'block4' (after each pool), 'flatten', 'logits'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone } from '../../backbone';
import { apply, bn, classifier, dropout, eegInput, eegOptions, glorot } from './common';
import { TemporalConv } from './layers';

export const deepConvNetSchema = z
  .object({
    ...eegOptions,
    filters: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]).default([25, 50, 100, 200]),
    kernLength: z.number().int().min(1).default(10),
    poolLength: z.number().int().min(1).default(3),
  })
  .strict();

export function buildDeepConvNet(o: z.output<typeof deepConvNetSchema>, rng: Rng): LayersModel {
  const rate = o.dropout ?? 0.5;
  const pool = (x: SymbolicTensor, name: string) => apply(tf.layers.maxPooling2d({ name, poolSize: [1, o.poolLength], strides: [1, o.poolLength] }), x);
  const { input, x: x0, electrodes } = eegInput(o);
  let x = apply(new TemporalConv({ name: 'block1.temporal', filters: o.filters[0], kernelLength: o.kernLength, padding: 'valid', useBias: true, kernelInitializer: glorot(rng) }), x0);
  x = apply(tf.layers.conv2d({ name: 'block1.spatial', filters: o.filters[0], kernelSize: [electrodes, 1], padding: 'valid', useBias: false, kernelInitializer: glorot(rng) }), x);
  x = apply(bn('block1.bn', 0.9, 1e-5), x);
  x = apply(tf.layers.elu({ name: 'block1.elu' }), x);
  x = pool(x, 'block1');
  for (let b = 2; b <= 4; b++) {
    x = dropout(x, `block${b}.dropout`, rate, rng);
    x = apply(tf.layers.conv2d({ name: `block${b}.conv`, filters: o.filters[b - 1], kernelSize: [1, o.kernLength], padding: 'valid', useBias: false, kernelInitializer: glorot(rng) }), x);
    x = apply(bn(`block${b}.bn`, 0.9, 1e-5), x);
    x = apply(tf.layers.elu({ name: `block${b}.elu` }), x);
    x = pool(x, `block${b}`);
  }
  return tf.model({ inputs: input, outputs: classifier(x, o.numClasses, rng), name: 'deep-convnet' });
}

registerBackbone('deep-convnet', deepConvNetSchema, buildDeepConvNet);
