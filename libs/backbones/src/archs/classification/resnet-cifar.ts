// CIFAR ResNets (He et al., "Deep Residual Learning for Image Recognition",
// CVPR 2016, section 4.2) in the variant of the CIFAR KD benchmarks
// (RepDistiller/CRD `models/resnet.py`): a 3x3 stem conv, three stages of
// n = (depth-2)/6 basic blocks (conv3x3-BN-ReLU-conv3x3-BN, + shortcut, ReLU)
// at strides 1, 2, 2, global average pool, linear. The shortcut is a 1x1
// conv + BN when the shape changes (option B), identity otherwise.
// `widths` = [stem, stage1, stage2, stage3]: [16,16,32,64] for resnet20/32/56/110
// (and resnet8), [32,64,128,256] for the "x4" models (resnet8x4, resnet32x4).
//
// Tap names: 'stem', 'stage{1,2,3}', 'stage{s}.block{b}', 'pool', 'logits'
// (see common.ts); inside a block: '<block>.conv{1,2}.{conv,bn,relu}', '<block>.shortcut.{conv,bn}'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { registerPreset } from '../../backbone';
import { apply, clsOptions, convBn, named, nm, registerClassifier, relu } from './common';

export const resnetCifarSchema = z
  .object({
    ...clsOptions,
    depth: z.number().int().min(8).refine((d) => (d - 2) % 6 === 0, 'depth must be 6n+2 (8, 14, 20, 32, 44, 56, 110, ...)'),
    widths: z.tuple([z.number().int().min(1), z.number().int().min(1), z.number().int().min(1), z.number().int().min(1)]).default([16, 16, 32, 64]),
  })
  .strict();

export type ResnetCifarOptions = z.output<typeof resnetCifarSchema>;

function basicBlock(x: SymbolicTensor, rng: Rng, name: string, planes: number, stride: number): SymbolicTensor {
  const inPlanes = x.shape[x.shape.length - 1] as number;
  let y = convBn(x, rng, `${name}.conv1`, planes, 3, stride);
  y = convBn(y, rng, `${name}.conv2`, planes, 3, 1, false);
  const shortcut = stride !== 1 || inPlanes !== planes ? convBn(x, rng, `${name}.shortcut`, planes, 1, stride, false) : x;
  const sum = apply(tf.layers.add({ name: nm(`${name}.add`) }), [y, shortcut]);
  return apply(relu(name), sum);
}

export function resnetCifarTrunk(input: SymbolicTensor, o: ResnetCifarOptions, rng: Rng): SymbolicTensor {
  const n = (o.depth - 2) / 6;
  let x = convBn(input, rng, 'stem', o.widths[0], 3);
  x = named(x, 'stem');
  for (let s = 1; s <= 3; s++) {
    for (let b = 0; b < n; b++) x = basicBlock(x, rng, `stage${s}.block${b}`, o.widths[s], s > 1 && b === 0 ? 2 : 1);
    x = named(x, `stage${s}`);
  }
  return x;
}

registerClassifier('resnet-cifar', resnetCifarSchema, resnetCifarTrunk, (o) => `resnet${o.depth}`);
for (const depth of [8, 14, 20, 32, 44, 56, 110]) {
  registerPreset(`resnet${depth}`, 'resnet-cifar', { depth, widths: [16, 16, 32, 64] }, `CIFAR ResNet-${depth} (widths 16/16/32/64)`);
}
registerPreset('resnet8x4', 'resnet-cifar', { depth: 8, widths: [32, 64, 128, 256] }, 'CIFAR ResNet-8x4 (widths 32/64/128/256)');
registerPreset('resnet32x4', 'resnet-cifar', { depth: 32, widths: [32, 64, 128, 256] }, 'CIFAR ResNet-32x4 (widths 32/64/128/256)');
