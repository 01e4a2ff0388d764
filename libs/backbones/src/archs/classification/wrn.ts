// Wide residual networks (Zagoruyko & Komodakis, "Wide Residual Networks",
// BMVC 2016) as in the CIFAR KD benchmarks (RepDistiller/CRD `models/wrn.py`,
// from the authors' code): WRN-d-k has a 3x3 stem conv to 16 channels, three
// stages of n = (d-4)/6 pre-activation blocks (BN-ReLU-conv3x3-BN-ReLU-conv3x3)
// with 16k, 32k, 64k channels at strides 1, 2, 2, then BN-ReLU, global
// average pool and linear. When a block changes the width its shortcut is a
// 1x1 conv applied to the pre-activated input (BN-ReLU(x)), as in that code.
// No dropout (the KD benchmarks train WRN-40-2 / WRN-16-2 with dropRate 0).
//
// Tap names: 'stem', 'stage{1,2,3}' (block-group outputs, pre-activation),
// 'stage{s}.block{b}', 'final' (after the last BN-ReLU), 'pool', 'logits'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { registerPreset } from '../../backbone';
import { apply, bn, clsOptions, conv, named, nm, registerClassifier, relu } from './common';

export const wrnSchema = z
  .object({
    ...clsOptions,
    depth: z.number().int().min(10).refine((d) => (d - 4) % 6 === 0, 'depth must be 6n+4 (10, 16, 22, 28, 40, ...)'),
    widen: z.number().int().min(1),
  })
  .strict();

export type WrnOptions = z.output<typeof wrnSchema>;

function preActBlock(x: SymbolicTensor, rng: Rng, name: string, planes: number, stride: number): SymbolicTensor {
  const inPlanes = x.shape[x.shape.length - 1] as number;
  const act = apply(relu(`${name}.relu1`), apply(bn(`${name}.bn1`), x));
  let y = apply(conv(rng, `${name}.conv1`, planes, 3, stride), act);
  y = apply(relu(`${name}.relu2`), apply(bn(`${name}.bn2`), y));
  y = apply(conv(rng, `${name}.conv2`, planes, 3), y);
  const shortcut = inPlanes === planes && stride === 1 ? x : apply(conv(rng, `${name}.shortcut`, planes, 1, stride), act);
  return apply(tf.layers.add({ name: nm(name) }), [y, shortcut]);
}

export function wrnTrunk(input: SymbolicTensor, o: WrnOptions, rng: Rng): SymbolicTensor {
  const n = (o.depth - 4) / 6;
  const widths = [16 * o.widen, 32 * o.widen, 64 * o.widen];
  let x = named(apply(conv(rng, 'stem.conv', 16, 3), input), 'stem');
  for (let s = 1; s <= 3; s++) {
    for (let b = 0; b < n; b++) x = preActBlock(x, rng, `stage${s}.block${b}`, widths[s - 1], s > 1 && b === 0 ? 2 : 1);
    x = named(x, `stage${s}`);
  }
  return apply(relu('final'), apply(bn('final.bn'), x));
}

registerClassifier('wrn', wrnSchema, wrnTrunk, (o) => `wrn_${o.depth}_${o.widen}`);
registerPreset('wrn-16-2', 'wrn', { depth: 16, widen: 2 }, 'WRN-16-2');
registerPreset('wrn-40-2', 'wrn', { depth: 40, widen: 2 }, 'WRN-40-2');
registerPreset('wrn-40-1', 'wrn', { depth: 40, widen: 1 }, 'WRN-40-1');
