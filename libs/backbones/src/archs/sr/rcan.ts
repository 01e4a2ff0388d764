// RCAN: Zhang et al., "Image Super-Resolution Using Very Deep Residual Channel
// Attention Networks", ECCV 2018. Structure of the authors' PyTorch code:
//   sub_mean -> head conv -> G x ResidualGroup -> body conv -> + head -> upsampler -> tail conv -> add_mean
//   ResidualGroup = B x RCAB -> conv -> + group input
//   RCAB = conv-ReLU-conv -> channel attention -> (x resScale) + block input
//   channel attention = global average pool -> 1x1 conv C -> C/r, ReLU -> 1x1 conv C/r -> C, sigmoid -> multiply
// Paper pair used in KD work: teacher 10 groups x 20 blocks x 64 channels (the
// RCAN of the paper, reduction 16); student 10 x 6 x 64.
//
// Layer names (tap names):
//   'sub_mean', 'head',
//   'body.group{g}' (output of residual group g, from 0, after its skip add), 'body.group{g}.conv',
//   'body.group{g}.block{b}' (output of RCAB b of group g, after its skip add),
//   'body.group{g}.block{b}.conv1' (after ReLU), '.conv2', '.ca.pool', '.ca.reshape', '.ca.down', '.ca.up', '.ca' (attention applied), '.scale' (only when resScale != 1),
//   'body.conv', 'body' (trunk output after the global skip add, before the upsampler),
//   'upsample.conv{k}' (channels in DepthToSpace order, see upsampler.ts), 'upsample.shuffle{k}', 'upsample', 'tail',
//   'add_mean' (the model output).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { Scale } from '../../layers';
import { addMean, applyLayer, conv2d, srOptions, subMean } from './common';
import { upsampler } from './upsampler';

export const rcanSchema = z
  .object({
    ...srOptions,
    groups: z.number().int().min(1),
    blocks: z.number().int().min(1),
    channels: z.number().int().min(1),
    /** Channel-attention reduction r: the squeeze has floor(channels / r) channels. */
    reduction: z.number().int().min(1).default(16),
    resScale: z.number().positive().default(1),
  })
  .strict()
  .refine((o) => o.channels >= o.reduction, { message: 'channels must be >= reduction (the attention squeeze would have 0 channels)', path: ['reduction'] });

export type RcanOptions = z.output<typeof rcanSchema>;

function channelAttention(x: SymbolicTensor, name: string, o: RcanOptions, rng: Rng): SymbolicTensor {
  const squeezed = Math.floor(o.channels / o.reduction);
  let y = applyLayer(tf.layers.globalAveragePooling2d({ name: `${name}.pool` }), x);
  y = applyLayer(tf.layers.reshape({ name: `${name}.reshape`, targetShape: [1, 1, o.channels] }), y);
  y = applyLayer(conv2d(rng, `${name}.down`, o.channels, squeezed, 1, 'relu'), y);
  y = applyLayer(conv2d(rng, `${name}.up`, squeezed, o.channels, 1, 'sigmoid'), y);
  return applyLayer(tf.layers.multiply({ name }), [x, y]);
}

function rcab(x: SymbolicTensor, name: string, o: RcanOptions, rng: Rng): SymbolicTensor {
  let y = applyLayer(conv2d(rng, `${name}.conv1`, o.channels, o.channels, 3, 'relu'), x);
  y = applyLayer(conv2d(rng, `${name}.conv2`, o.channels, o.channels), y);
  y = channelAttention(y, `${name}.ca`, o, rng);
  if (o.resScale !== 1) y = applyLayer(new Scale({ name: `${name}.scale`, factor: o.resScale }), y);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

function residualGroup(x: SymbolicTensor, g: number, o: RcanOptions, rng: Rng): SymbolicTensor {
  const name = `body.group${g}`;
  let y = x;
  for (let b = 0; b < o.blocks; b++) y = rcab(y, `${name}.block${b}`, o, rng);
  y = applyLayer(conv2d(rng, `${name}.conv`, o.channels, o.channels), y);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

export function buildRcan(o: RcanOptions, rng: Rng): LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: 'lr' });
  const head = applyLayer(conv2d(rng, 'head', 3, o.channels), subMean(input, o.rgbRange, o.rgbMean));
  let x = head;
  for (let g = 0; g < o.groups; g++) x = residualGroup(x, g, o, rng);
  x = applyLayer(conv2d(rng, 'body.conv', o.channels, o.channels), x);
  const body = applyLayer(tf.layers.add({ name: 'body' }), [x, head]);
  const tail = applyLayer(conv2d(rng, 'tail', o.channels, 3), upsampler(body, o.scale, o.channels, rng));
  return tf.model({ inputs: input, outputs: addMean(tail, o.rgbRange, o.rgbMean), name: 'rcan' });
}

registerBackbone('rcan', rcanSchema, buildRcan);
registerPreset('rcan-paper-teacher', 'rcan', { groups: 10, blocks: 20, channels: 64, reduction: 16 }, 'RCAN (Zhang et al. 2018): 10 groups x 20 blocks x 64 channels');
registerPreset('rcan-paper-student', 'rcan', { groups: 10, blocks: 6, channels: 64, reduction: 16 }, 'RCAN student of the KD papers: 10 groups x 6 blocks x 64 channels');
registerPreset('rcan-tiny-teacher', 'rcan', { groups: 3, blocks: 4, channels: 32, reduction: 4 }, 'CPU-sized teacher: 3 groups x 4 blocks x 32 channels');
registerPreset('rcan-tiny-student', 'rcan', { groups: 2, blocks: 2, channels: 16, reduction: 4 }, 'CPU-sized student: 2 groups x 2 blocks x 16 channels');
