// KDSR's implicit degradation encoder KD_IDE (KDSR-classic/model_TA and model_ST blindsr.py):
//   E: conv(in -> F) LReLU, n_resblocks x ResBlock(conv-LReLU-conv, + skip, no scaling),
//      conv(F -> 2F) LReLU, conv(2F -> 2F) LReLU, conv(2F -> 4F) LReLU, global average pool
//   mlp: Linear(4F, 4F) LReLU, Linear(4F, 4F) LReLU   -> D, the representation distilled in stage 2
//   compress: Linear(4F, F) LReLU                     -> the IDR that drives the SR network
// LeakyReLU slope 0.1 everywhere. The teacher reads LR ⊕ PixelUnshuffle(HR) (in = 3 + 3·s²),
// the student LR only (in = 3).
//
// Layer names: 'ide.conv_in', 'ide.block{i}' (after its skip), 'ide.conv{1,2,3}', 'ide.pool',
// 'ide.fc1', 'ide.mlp' (D, 4F values), 'ide.compress' (the IDR, F values).
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { torchBiasInit, torchKernelInit } from '../../init';
import { applyLayer, conv2d } from '../sr/common';

const lrelu = (name: string) => tf.layers.leakyReLU({ name, alpha: 0.1 });

/** PyTorch nn.Linear (default init, with bias unless told) followed by LeakyReLU(0.1). */
export function linear(rng: Rng, name: string, inFeatures: number, units: number, useBias = true) {
  return tf.layers.dense({ name, units, useBias, kernelInitializer: torchKernelInit(rng), ...(useBias ? { biasInitializer: torchBiasInit(rng, inFeatures) } : {}) });
}

function convLrelu(x: SymbolicTensor, rng: Rng, name: string, inC: number, outC: number): SymbolicTensor {
  return applyLayer(lrelu(`${name}.act`), applyLayer(conv2d(rng, name, inC, outC), x));
}

export interface KdIdeOptions {
  /** Input channels: 3 (student) or 3 + 3·scale² (teacher). */
  inChannels: number;
  /** F: n_feats. */
  channels: number;
  /** n_resblocks. */
  blocks: number;
}

/** The D representation (4F, tap 'ide.mlp') and the IDR (F, tap 'ide.compress') of `x`. */
export function kdIde(x: SymbolicTensor, o: KdIdeOptions, rng: Rng): { d: SymbolicTensor; idr: SymbolicTensor } {
  const F = o.channels;
  let y = convLrelu(x, rng, 'ide.conv_in', o.inChannels, F);
  for (let i = 0; i < o.blocks; i++) {
    const name = `ide.block${i}`;
    const r = applyLayer(conv2d(rng, `${name}.conv2`, F, F), convLrelu(y, rng, `${name}.conv1`, F, F));
    y = applyLayer(tf.layers.add({ name }), [r, y]);
  }
  y = convLrelu(y, rng, 'ide.conv1', F, 2 * F);
  y = convLrelu(y, rng, 'ide.conv2', 2 * F, 2 * F);
  y = convLrelu(y, rng, 'ide.conv3', 2 * F, 4 * F);
  y = applyLayer(tf.layers.globalAveragePooling2d({ name: 'ide.pool' }), y);
  y = applyLayer(lrelu('ide.fc1.act'), applyLayer(linear(rng, 'ide.fc1', 4 * F, 4 * F), y));
  const d = applyLayer(lrelu('ide.mlp'), applyLayer(linear(rng, 'ide.fc2', 4 * F, 4 * F), y));
  const idr = applyLayer(lrelu('ide.compress'), applyLayer(linear(rng, 'ide.compress.fc', 4 * F, F), d));
  return { d, idr };
}
