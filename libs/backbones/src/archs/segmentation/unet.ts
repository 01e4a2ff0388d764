// U-Net (Ronneberger et al., MICCAI 2015) as the segmentation teacher, with an
// optional atrous spatial pyramid (ASPP, DeepLabv3, Chen et al. 2017) at the
// bottleneck. Encoder: a double 3x3 conv-BN-ReLU block per level (width
// base * 2^level), 2x2 max pooling between levels; decoder: bilinear x2
// upsampling, concatenation with the encoder skip, a double conv block. Padding
// 'same' (the original uses valid convs and crops; same padding keeps output =
// input size, as most re-implementations do). BN is an addition to the 2015 paper,
// standard since.
//
// ASPP: parallel 1x1 and 3x3 convs with dilations `asppRates` plus the input,
// concatenated and fused by a 1x1 conv (the image-pooling branch of DeepLabv3 is
// left out: crops are small and the branch would tie the model to the crop size).
//
// Taps: 'enc0' (stride 1), 'enc1', 'enc2', 'enc3' (the bottleneck, after ASPP),
// 'dec2', 'dec1', 'dec0', 'logits'.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { LayersModel, Rng, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { convBn, inputLayer, named, nm } from '../classification/common';
import { atrousConvBn, classifier, concat, maxPool, segOptions, upsample } from './common';

export const unetSchema = z
  .object({
    ...segOptions,
    /** Width of the first level; level l has base * 2^l channels. */
    base: z.number().int().min(1).default(16),
    aspp: z.boolean().default(false),
    asppRates: z.array(z.number().int().min(1)).min(1).default([2, 4]),
  })
  .strict();

function doubleConv(x: SymbolicTensor, rng: Rng, name: string, filters: number): SymbolicTensor {
  return convBn(convBn(x, rng, `${name}.a`, filters, 3), rng, `${name}.b`, filters, 3);
}

function aspp(x: SymbolicTensor, rng: Rng, filters: number, rates: number[]): SymbolicTensor {
  const branches = [convBn(x, rng, 'aspp.b0', filters, 1), ...rates.map((r, i) => atrousConvBn(x, rng, `aspp.b${i + 1}`, filters, 3, r))];
  return convBn(concat(branches, 'aspp.cat'), rng, 'aspp.fuse', filters, 1);
}

export function buildUnet(o: z.output<typeof unetSchema>, rng: Rng): LayersModel {
  const input = inputLayer(o.inputChannels);
  const w = (l: number) => o.base * 2 ** l;
  const enc: SymbolicTensor[] = [];
  let x = named(doubleConv(input, rng, 'block0', w(0)), 'enc0');
  enc.push(x);
  for (let l = 1; l <= 3; l++) {
    x = doubleConv(maxPool(x, `pool${l}`), rng, `block${l}`, w(l));
    if (l === 3 && o.aspp) x = aspp(x, rng, w(l), o.asppRates);
    x = named(x, `enc${l}`);
    enc.push(x);
  }
  for (let l = 2; l >= 0; l--) {
    x = concat([upsample(x, `up${l}`), enc[l]], `skip${l}`);
    x = named(doubleConv(x, rng, `dblock${l}`, w(l)), `dec${l}`);
  }
  return tf.model({ inputs: input, outputs: classifier(x, rng, o.numClasses), name: nm(o.aspp ? 'unet-aspp' : 'unet') });
}

registerBackbone('unet', unetSchema, buildUnet);
registerPreset('unet-aspp-16', 'unet', { base: 16, aspp: true }, 'U-Net, widths 16-32-64-128, ASPP (rates 2, 4) at the bottleneck: the quick segmentation teacher');
