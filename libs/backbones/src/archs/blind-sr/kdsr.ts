// KDSR (Xia et al., "Knowledge Distillation based Degradation Estimation for Blind
// Super-Resolution", ICLR 2023), structure of the released code (Zj-BinXia/KDSR,
// KDSR-classic/model_TA|model_ST/blindsr.py, read at commit c7c9e81):
//   IDE (kd-ide.ts) -> IDR vector (F values)
//   SR net G: sub_mean -> head conv(3 -> F) -> n_blocks x IDR_DCRB -> conv(F -> F) -> + head
//             -> Upsampler (conv F -> 4F, PixelShuffle 2, twice at x4; no activation) -> conv(F -> 3) -> add_mean
//   IDR_DCRB: kernels = Linear(F, F, no bias) LReLU(0.1) Linear(F, 9F, no bias) of the IDR;
//             out = conv3x3(LReLU(0.1)(dynamic depthwise 3x3 conv of x with those kernels)) + x.
// The released IDR_DDC builds only this kernel branch (no channel-attention branch as DASR's
// DA_conv has); its `reduction` argument is unused, and so it is here.
// `ide: teacher` reads LR ⊕ PixelUnshuffle(HR) (3 + 3·s² channels; the SR net takes channels
// 0-2), `ide: student` reads LR only. `trainSr: false` freezes every layer but the IDE's.
//
// Layer names: the IDE's (kd-ide.ts, 'ide.' prefix: 'ide.mlp' is D, 'ide.compress' the IDR),
// 'sub_mean', 'sr.head', 'sr.block{i}' (after its skip), 'sr.block{i}.kernel{1,2}', 'sr.block{i}.dconv',
// 'sr.block{i}.conv', 'sr.body.conv', 'sr.body', 'upsample.conv{k}', 'upsample', 'sr.tail', 'add_mean'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { ChannelSlice } from '../classification/channel-slice';
import { applyLayer, conv2d, srOptions } from '../sr/common';
import { conditionedSrOutput, freezeAllBut } from './conditioned-sr';
import { DynamicDepthwiseConv } from './dynamic-conv';
import { kdIde, linear } from './kd-ide';

export const kdsrSchema = z
  .object({
    ...srOptions,
    /** KDSR's code works on [0, 1] images (option.py rgb_range = 1). */
    rgbRange: srOptions.rgbRange.default(1),
    /** n_feats (64 for KDSR_S-M). */
    channels: z.number().int().min(1),
    /** n_blocks: IDR_DCRB blocks of the SR net (53 for KDSR_S-M). */
    blocks: z.number().int().min(1),
    /** n_resblocks of the IDE (9 for KDSR_S-M). */
    ideBlocks: z.number().int().min(0),
    ide: z.enum(['teacher', 'student']),
    /** false: only the IDE trains (the SR net's layers are frozen). The released stage 2 trains everything. */
    trainSr: z.boolean().default(true),
  })
  .strict();

export type KdsrOptions = z.output<typeof kdsrSchema>;

function idrDcrb(x: SymbolicTensor, idr: SymbolicTensor, i: number, F: number, rng: Rng): SymbolicTensor {
  const name = `sr.block${i}`;
  let k = applyLayer(linear(rng, `${name}.kernel1`, F, F, false), idr);
  k = applyLayer(tf.layers.leakyReLU({ name: `${name}.kernel1.act`, alpha: 0.1 }), k);
  k = applyLayer(linear(rng, `${name}.kernel2`, F, 9 * F, false), k);
  let y = applyLayer(new DynamicDepthwiseConv({ name: `${name}.dconv`, kernelSize: 3 }), [x, k]);
  y = applyLayer(tf.layers.leakyReLU({ name: `${name}.act`, alpha: 0.1 }), y);
  y = applyLayer(conv2d(rng, `${name}.conv`, F, F), y);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

export function buildKdsr(o: KdsrOptions, rng: Rng): LayersModel {
  const inChannels = o.ide === 'teacher' ? 3 + 3 * o.scale * o.scale : 3;
  const input = tf.input({ shape: [null, null, inChannels], name: o.ide === 'teacher' ? 'lr_hr' : 'lr' });
  const lr = o.ide === 'teacher' ? applyLayer(new ChannelSlice({ name: 'lr', start: 0, size: 3 }), input) : input;
  const { idr } = kdIde(input, { inChannels, channels: o.channels, blocks: o.ideBlocks }, rng.fork());
  const output = conditionedSrOutput(lr, o, (x, i) => idrDcrb(x, idr, i, o.channels, rng), rng);
  const model = tf.model({ inputs: input, outputs: output, name: `kdsr_${o.ide}` });
  if (!o.trainSr) freezeAllBut(model, 'ide.');
  return model;
}

registerBackbone('kdsr', kdsrSchema, buildKdsr);
const M = { channels: 64, blocks: 53, ideBlocks: 9 };
registerPreset('kdsr-s-m', 'kdsr', { ...M, ide: 'student' }, 'KDSR_S-M (ICLR 2023): student IDE (LR only), 53 IDR-DCRB x 64 channels, IDE with 9 res blocks; 5.80 M parameters');
registerPreset('kdsr-t-m', 'kdsr', { ...M, ide: 'teacher' }, 'KDSR_T-M: the KD-IDE teacher (LR + PixelUnshuffle(HR)) with the KDSR_S-M SR net');
const L = { channels: 128, blocks: 28, ideBlocks: 5 };
registerPreset('kdsr-s-l', 'kdsr', { ...L, ide: 'student' }, 'KDSR_S-L: 28 IDR-DCRB x 128 channels, IDE with 5 res blocks (cal_parms.py)');
registerPreset('kdsr-t-l', 'kdsr', { ...L, ide: 'teacher' }, 'KDSR_T-L: the KD-IDE teacher with the KDSR_S-L SR net');
