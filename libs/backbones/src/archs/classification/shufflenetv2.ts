// ShuffleNetV2 (Ma et al., "ShuffleNet V2: Practical Guidelines for Efficient
// CNN Architecture Design", ECCV 2018) in the CIFAR variant of the KD
// benchmarks (RepDistiller/CRD `models/ShuffleNetv2.py`): a 1x1 stem conv to 24
// channels (no stride, no max-pool, for 32x32 inputs); three stages, each a
// down-sampling unit (two stride-2 branches, concatenated, shuffled) followed
// by `blocks` basic units (channel split in halves; one half through
// 1x1-BN-ReLU, 3x3 depthwise-BN, 1x1-BN-ReLU; concatenated with the other;
// shuffled with 2 groups); a 1x1 conv to the last width with BN-ReLU; global
// average pool; linear. Net size 1 ("ShuffleV2" of the CRD tables): widths
// 116/232/464/1024, blocks 3/7/3.
//
// Tap names: 'stem', 'stage{1,2,3}', 'stage{s}.block{b}' (b = 0 the
// down-sampling unit), 'head', 'pool', 'logits'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { registerPreset } from '../../backbone';
import { ChannelShuffle } from './channel-shuffle';
import { ChannelSlice } from './channel-slice';
import { apply, clsOptions, convBn, named, nm, registerClassifier } from './common';

const SIZES: Record<string, { widths: [number, number, number, number]; blocks: [number, number, number] }> = {
  '0.5': { widths: [48, 96, 192, 1024], blocks: [3, 7, 3] },
  '1': { widths: [116, 232, 464, 1024], blocks: [3, 7, 3] },
  '1.5': { widths: [176, 352, 704, 1024], blocks: [3, 7, 3] },
  '2': { widths: [224, 488, 976, 2048], blocks: [3, 7, 3] },
};

export const shufflenetV2Schema = z
  .object({
    ...clsOptions,
    netSize: z.enum(['0.5', '1', '1.5', '2']).default('1'),
  })
  .strict();

export type ShufflenetV2Options = z.output<typeof shufflenetV2Schema>;

function concatShuffle(parts: SymbolicTensor[], name: string): SymbolicTensor {
  const cat = apply(tf.layers.concatenate({ name: nm(`${name}.concat`), axis: -1 }), parts);
  return apply(new ChannelShuffle({ name: nm(name), groups: 2 }), cat);
}

function downUnit(x: SymbolicTensor, rng: Rng, name: string, out: number): SymbolicTensor {
  const inp = x.shape[x.shape.length - 1] as number;
  const mid = Math.floor(out / 2);
  let left = convBn(x, rng, `${name}.left.dw`, inp, 3, 2, false, true);
  left = convBn(left, rng, `${name}.left.pw`, mid, 1);
  let right = convBn(x, rng, `${name}.right.pw1`, mid, 1);
  right = convBn(right, rng, `${name}.right.dw`, mid, 3, 2, false, true);
  right = convBn(right, rng, `${name}.right.pw2`, mid, 1);
  return concatShuffle([left, right], name);
}

function basicUnit(x: SymbolicTensor, rng: Rng, name: string): SymbolicTensor {
  const c = x.shape[x.shape.length - 1] as number;
  const half = Math.floor(c / 2);
  const kept = apply(new ChannelSlice({ name: nm(`${name}.split0`), start: 0, size: half }), x);
  let y = apply(new ChannelSlice({ name: nm(`${name}.split1`), start: half, size: c - half }), x);
  y = convBn(y, rng, `${name}.pw1`, c - half, 1);
  y = convBn(y, rng, `${name}.dw`, c - half, 3, 1, false, true);
  y = convBn(y, rng, `${name}.pw2`, c - half, 1);
  return concatShuffle([kept, y], name);
}

export function shufflenetV2Trunk(input: SymbolicTensor, o: ShufflenetV2Options, rng: Rng): SymbolicTensor {
  const { widths, blocks } = SIZES[o.netSize];
  let x = named(convBn(input, rng, 'stem', 24, 1), 'stem');
  for (let s = 1; s <= 3; s++) {
    x = downUnit(x, rng, `stage${s}.block0`, widths[s - 1]);
    for (let b = 1; b <= blocks[s - 1]; b++) x = basicUnit(x, rng, `stage${s}.block${b}`);
    x = named(x, `stage${s}`);
  }
  return named(convBn(x, rng, 'head', widths[3], 1), 'head');
}

registerClassifier('shufflenetv2', shufflenetV2Schema, shufflenetV2Trunk, (o) => `shufflenetv2_${o.netSize}`);
registerPreset('shufflev2', 'shufflenetv2', { netSize: '1' }, 'ShuffleNetV2 1x (the CIFAR KD benchmarks\' "ShuffleV2")');
