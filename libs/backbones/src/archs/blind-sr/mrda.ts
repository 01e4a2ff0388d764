// MRDA (Xia et al., "Meta-Learning based Degradation Representation for Blind Super-Resolution",
// TIP 2023), structure of the released code (Zj-BinXia/MRDA at commit 36f9c65,
// model_TA/blindsr.py and model_ST/blindsr.py; read, not copied):
//   teacher MRDA_T: LR ⊕ PixelUnshuffle(HR) -> MLN adapted to the image (mrda-mln.ts) -> its body
//                   features [N,h,w,Fm] -> DEN -> D (4F values) -> RDAN
//   student MRDA_S: LR -> DEN (first conv 3 -> F) -> D -> RDAN
//   DEN: conv(in -> F) LReLU, conv(F -> F) LReLU, conv(F -> 2F, stride 2) LReLU, conv(2F -> 2F) LReLU,
//        conv(2F -> 4F, stride 2) LReLU, conv(4F -> 4F) LReLU, global average pool,
//        Linear(4F, 4F) LReLU, Linear(4F, 4F)   -> D (no activation; tap 'den.mlp', what stage 4 distils)
//        (the released widths are 64 / 128 / 256 with RDAN n_feats 64: F, 2F, 4F here)
//   RDAN: compress = Linear(4F, F, no bias) LReLU of D; sub_mean, head conv(3 -> F),
//        n_blocks x RDAB, conv(F -> F), + head, Upsampler, conv(F -> 3), add_mean
//   RDAB: y = LReLU(RDA_conv1(x)); y = LReLU(conv1(y)); y = LReLU(RDA_conv2(y)); conv2(y) + x
//   RDA_conv: kernels = Linear(F, F, no bias) LReLU Linear(F, 9F, no bias) of the compressed D;
//        LReLU(dynamic depthwise 3x3 conv of x) · sigmoid(conv1x1(x -> 1 channel)) + x
// LReLU slope 0.1. Stride-2 convs pad one pixel on every side as PyTorch's padding=1
// (explicit zero padding, then a 'valid' conv).
//
// Layer names: 'mln' (the adaptation layer, teacher only), 'den.conv{0..5}', 'den.pool', 'den.fc1',
// 'den.mlp' (D), 'sr.compress', 'sub_mean', 'sr.head', 'sr.block{i}' (after its skip),
// 'sr.block{i}.da{1,2}' (after the modulated skip), 'sr.body.conv', 'sr.body', 'upsample*', 'sr.tail',
// 'add_mean'. `trainSr: false` freezes every layer outside the DEN (what the released stage-4
// encoder warm-up updates, since only E_st gets gradients then).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { torchConvInit } from '../../init';
import { PixelShuffle } from '../../layers';
import { ChannelSlice } from '../classification/channel-slice';
import { applyLayer, conv2d, srOptions } from '../sr/common';
import { conditionedSrOutput, freezeAllBut } from './conditioned-sr';
import { DynamicDepthwiseConv } from './dynamic-conv';
import { linear } from './kd-ide';
import { MlnAdapt, releasedInnerLrs } from './mrda-mln';

export const mrdaSchema = z
  .object({
    ...srOptions,
    /** MRDA's code works on [0, 1] images (option.py rgb_range = 1). */
    rgbRange: srOptions.rgbRange.default(1),
    /** RDAN n_feats (64 in the released RDAN); the DEN is F / 2F / 4F wide. */
    channels: z.number().int().min(1),
    /** RDAB blocks (27 in the released RDAN). */
    blocks: z.number().int().min(1),
    /** MLN width Fm (the scripts' --n_feats 128); teacher only. */
    mlnChannels: z.number().int().min(1).default(128),
    /** Inner SGD steps of the MLN adaptation (the scripts' --test_iter 5), step sizes as released. */
    innerSteps: z.number().int().min(0).default(5),
    role: z.enum(['teacher', 'student']),
    /** false: only the DEN trains (the released encoder warm-up of stage 4). */
    trainSr: z.boolean().default(true),
  })
  .strict();

export type MrdaOptions = z.output<typeof mrdaSchema>;

const lrelu = (name: string) => tf.layers.leakyReLU({ name, alpha: 0.1 });

function convAct(x: SymbolicTensor, rng: Rng, name: string, inC: number, outC: number, stride = 1): SymbolicTensor {
  if (stride > 1) {
    x = applyLayer(tf.layers.zeroPadding2d({ name: `${name}.pad`, padding: 1 }), x);
    x = applyLayer(tf.layers.conv2d({ name, filters: outC, kernelSize: 3, strides: stride, padding: 'valid', useBias: true, ...torchConvInit(rng, inC, 3) }), x);
  } else x = applyLayer(conv2d(rng, name, inC, outC), x);
  return applyLayer(lrelu(`${name}.act`), x);
}

/** The DEN: D, the representation the student learns from the teacher (4F values, tap 'den.mlp'). */
export function den(x: SymbolicTensor, inChannels: number, F: number, rng: Rng): SymbolicTensor {
  let y = convAct(x, rng, 'den.conv0', inChannels, F);
  y = convAct(y, rng, 'den.conv1', F, F);
  y = convAct(y, rng, 'den.conv2', F, 2 * F, 2);
  y = convAct(y, rng, 'den.conv3', 2 * F, 2 * F);
  y = convAct(y, rng, 'den.conv4', 2 * F, 4 * F, 2);
  y = convAct(y, rng, 'den.conv5', 4 * F, 4 * F);
  y = applyLayer(tf.layers.globalAveragePooling2d({ name: 'den.pool' }), y);
  y = applyLayer(lrelu('den.fc1.act'), applyLayer(linear(rng, 'den.fc1', 4 * F, 4 * F), y));
  return applyLayer(linear(rng, 'den.mlp', 4 * F, 4 * F), y);
}

function rdaConv(x: SymbolicTensor, kv: SymbolicTensor, name: string, F: number, rng: Rng): SymbolicTensor {
  let k = applyLayer(linear(rng, `${name}.kernel1`, F, F, false), kv);
  k = applyLayer(lrelu(`${name}.kernel1.act`), k);
  k = applyLayer(linear(rng, `${name}.kernel2`, F, 9 * F, false), k);
  let y = applyLayer(new DynamicDepthwiseConv({ name: `${name}.dconv`, kernelSize: 3 }), [x, k]);
  y = applyLayer(lrelu(`${name}.dconv.act`), y);
  const mask = applyLayer(conv2d(rng, `${name}.mask`, F, 1, 1, 'sigmoid'), x);
  y = applyLayer(tf.layers.multiply({ name: `${name}.modulate` }), [y, mask]);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

function rdab(x: SymbolicTensor, kv: SymbolicTensor, i: number, F: number, rng: Rng): SymbolicTensor {
  const name = `sr.block${i}`;
  let y = applyLayer(lrelu(`${name}.da1.act`), rdaConv(x, kv, `${name}.da1`, F, rng));
  y = applyLayer(lrelu(`${name}.conv1.act`), applyLayer(conv2d(rng, `${name}.conv1`, F, F), y));
  y = applyLayer(lrelu(`${name}.da2.act`), rdaConv(y, kv, `${name}.da2`, F, rng));
  y = applyLayer(conv2d(rng, `${name}.conv2`, F, F), y);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

export function buildMrda(o: MrdaOptions, rng: Rng): LayersModel {
  const F = o.channels;
  const teacher = o.role === 'teacher';
  const inChannels = teacher ? 3 + 3 * o.scale * o.scale : 3;
  const input = tf.input({ shape: [null, null, inChannels], name: teacher ? 'lr_hr' : 'lr' });
  const lr = teacher ? applyLayer(new ChannelSlice({ name: 'lr', start: 0, size: 3 }), input) : input;
  let d: SymbolicTensor;
  const denRng = rng.fork();
  if (teacher) {
    const hrPacked = applyLayer(new ChannelSlice({ name: 'hr_packed', start: 3, size: 3 * o.scale * o.scale }), input);
    const hr = applyLayer(new PixelShuffle({ name: 'hr', scale: o.scale }), hrPacked);
    const features = applyLayer(new MlnAdapt({ name: 'mln', channels: o.mlnChannels, scale: o.scale, innerLrs: releasedInnerLrs(o.innerSteps), seed: rng.seed() }), [lr, hr]);
    d = den(features, o.mlnChannels, F, denRng);
  } else d = den(input, 3, F, denRng);
  const kv = applyLayer(lrelu('sr.compress.act'), applyLayer(linear(rng, 'sr.compress', 4 * F, F, false), d));
  const output = conditionedSrOutput(lr, o, (x, i) => rdab(x, kv, i, F, rng), rng);
  const model = tf.model({ inputs: input, outputs: output, name: `mrda_${o.role}` });
  if (!o.trainSr) freezeAllBut(model, 'den.');
  return model;
}

registerBackbone('mrda', mrdaSchema, buildMrda);
const RELEASED = { channels: 64, blocks: 27, mlnChannels: 128 };
registerPreset('mrda-s', 'mrda', { ...RELEASED, role: 'student' }, 'MRDA_S (TIP 2023): student DEN on LR (64/128/256) + RDAN (27 RDAB x 64 channels), released model_ST/blindsr.py');
registerPreset('mrda-t', 'mrda', { ...RELEASED, role: 'teacher' }, 'MRDA_T: MLN (128 channels, adapted per image by 5 SGD steps on LR/HR) + DEN + RDAN, released model_TA + model_meta_stage3');
