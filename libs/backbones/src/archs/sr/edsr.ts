// EDSR: Lim et al., "Enhanced Deep Residual Networks for Single Image
// Super-Resolution", CVPRW 2017. Structure of the authors' PyTorch code:
//   sub_mean -> head conv -> B x ResBlock(conv-ReLU-conv, x resScale, + skip)
//   -> body conv -> + head (global skip) -> upsampler -> tail conv -> add_mean
// Paper pair used in KD work: teacher 32 blocks x 256 channels, residual scale
// 0.1 (the "EDSR" model); student 16 x 64, scale 1 ("EDSR-baseline").
//
// Layer names (tap names):
//   'sub_mean', 'head',
//   'body.block{i}' (output of residual block i, from 0, after its skip add),
//   'body.block{i}.conv1' (after ReLU), 'body.block{i}.conv2', 'body.block{i}.scale' (only when resScale != 1),
//   'body.conv', 'body' (trunk output after the global skip add, before the upsampler),
//   'upsample.conv{k}' (channels in DepthToSpace order, see upsampler.ts), 'upsample.shuffle{k}', 'upsample' (upsampler output),
//   'tail' (last conv, 3 channels, before add_mean), 'add_mean' (the model output, [0,1] scale).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { Scale } from '../../layers';
import { addMean, applyLayer, conv2d, srOptions, subMean } from './common';
import { upsampler } from './upsampler';

export const edsrSchema = z
  .object({
    ...srOptions,
    blocks: z.number().int().min(1),
    channels: z.number().int().min(1),
    /** Residual scaling inside each block (0.1 for the 32x256 model). */
    resScale: z.number().positive().default(1),
  })
  .strict();

export type EdsrOptions = z.output<typeof edsrSchema>;

function resBlock(x: SymbolicTensor, i: number, o: EdsrOptions, rng: Rng): SymbolicTensor {
  const name = `body.block${i}`;
  let y = applyLayer(conv2d(rng, `${name}.conv1`, o.channels, o.channels, 3, 'relu'), x);
  y = applyLayer(conv2d(rng, `${name}.conv2`, o.channels, o.channels), y);
  if (o.resScale !== 1) y = applyLayer(new Scale({ name: `${name}.scale`, factor: o.resScale }), y);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

export function buildEdsr(o: EdsrOptions, rng: Rng): LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: 'lr' });
  const head = applyLayer(conv2d(rng, 'head', 3, o.channels), subMean(input, o.rgbRange, o.rgbMean));
  let x = head;
  for (let i = 0; i < o.blocks; i++) x = resBlock(x, i, o, rng);
  x = applyLayer(conv2d(rng, 'body.conv', o.channels, o.channels), x);
  const body = applyLayer(tf.layers.add({ name: 'body' }), [x, head]);
  const tail = applyLayer(conv2d(rng, 'tail', o.channels, 3), upsampler(body, o.scale, o.channels, rng));
  return tf.model({ inputs: input, outputs: addMean(tail, o.rgbRange, o.rgbMean), name: 'edsr' });
}

registerBackbone('edsr', edsrSchema, buildEdsr);
registerPreset('edsr-paper-teacher', 'edsr', { blocks: 32, channels: 256, resScale: 0.1 }, 'EDSR (Lim et al. 2017): 32 blocks x 256 channels, residual scale 0.1');
registerPreset('edsr-paper-student', 'edsr', { blocks: 16, channels: 64, resScale: 1 }, 'EDSR-baseline: 16 blocks x 64 channels');
registerPreset('edsr-tiny-teacher', 'edsr', { blocks: 8, channels: 32, resScale: 0.1 }, 'CPU-sized teacher: 8 blocks x 32 channels, residual scale 0.1');
registerPreset('edsr-tiny-student', 'edsr', { blocks: 4, channels: 16, resScale: 1 }, 'CPU-sized student: 4 blocks x 16 channels');
