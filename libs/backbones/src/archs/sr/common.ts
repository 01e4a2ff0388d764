// Pieces shared by the SR backbones: a seeded 'same' conv, the mean-shift ends
// and the option fields every SR architecture takes.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { torchConvInit } from '../../init';
import { DIV2K_RGB_MEAN, MeanShift, conv2dLayer } from '../../layers';

/** Options common to EDSR and RCAN. */
export const srOptions = {
  /** Upscaling factor; 2, 3 and 4 are the paper settings, 8 = three x2 stages. */
  scale: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(8)]),
  /**
   * The value range the trunk works in. 255 (default) reproduces EDSR/RCAN's
   * PyTorch code (rgb_range=255), so feature magnitudes, and with them the KD
   * loss weights of the papers, carry over. 1 is available for experiments.
   */
  rgbRange: z.union([z.literal(1), z.literal(255)]).default(255),
  rgbMean: z.tuple([z.number(), z.number(), z.number()]).default([...DIV2K_RGB_MEAN]),
};

export type ConvArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The arguments of a seeded 'same' conv with bias (draws two seeds from rng: kernel, then bias). */
export function conv2dArgs(rng: Rng, name: string, inChannels: number, filters: number, kernelSize = 3, activation?: 'relu' | 'sigmoid'): ConvArgs {
  return { name, filters, kernelSize, padding: 'same', activation, useBias: true, ...torchConvInit(rng, inChannels, kernelSize) };
}

export function conv2d(rng: Rng, name: string, inChannels: number, filters: number, kernelSize = 3, activation?: 'relu' | 'sigmoid') {
  return conv2dLayer(conv2dArgs(rng, name, inChannels, filters, kernelSize, activation));
}

export function applyLayer(layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown }, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

/** Input [N, h, w, 3] in [0,1] -> the trunk's value range with the mean removed ('sub_mean'). */
export function subMean(x: SymbolicTensor, rgbRange: number, rgbMean: number[]): SymbolicTensor {
  return applyLayer(new MeanShift({ name: 'sub_mean', mode: 'sub', rgbRange, rgbMean }), x);
}

/** The inverse of subMean at the output ('add_mean'): back to [0,1]. */
export function addMean(x: SymbolicTensor, rgbRange: number, rgbMean: number[]): SymbolicTensor {
  return applyLayer(new MeanShift({ name: 'add_mean', mode: 'add', rgbRange, rgbMean }), x);
}
