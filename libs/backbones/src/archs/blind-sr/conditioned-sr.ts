// The SR net shared by KDSR and MRDA (both after EDSR): MeanShift, head conv, `blocks` residual blocks
// conditioned on a degradation representation, a body conv with the global skip, the PixelShuffle
// upsampler, the tail conv, the mean added back. Only the block differs (KDSR's IDR-DCRB, MRDA's
// RDAB), so it is passed in. Layer names ('sr.head', 'sr.body.conv', 'sr.body', 'sr.tail') and the
// order in which `rng` is drawn are the ones both models had, so their weights are unchanged.
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { addMean, applyLayer, conv2d, subMean } from '../sr/common';
import { upsampler } from '../sr/upsampler';

export interface ConditionedSrOptions {
  channels: number;
  blocks: number;
  scale: number;
  rgbRange: number;
  rgbMean: [number, number, number];
}

/** The SR net from `lr` to the output; `block(x, i)` is the i-th conditioned residual block. */
export function conditionedSrOutput(lr: SymbolicTensor, o: ConditionedSrOptions, block: (x: SymbolicTensor, i: number) => SymbolicTensor, rng: Rng): SymbolicTensor {
  const F = o.channels;
  const head = applyLayer(conv2d(rng, 'sr.head', 3, F), subMean(lr, o.rgbRange, o.rgbMean));
  let x = head;
  for (let i = 0; i < o.blocks; i++) x = block(x, i);
  x = applyLayer(conv2d(rng, 'sr.body.conv', F, F), x);
  const body = applyLayer(tf.layers.add({ name: 'sr.body' }), [x, head]);
  const tail = applyLayer(conv2d(rng, 'sr.tail', F, 3), upsampler(body, o.scale, F, rng));
  return addMean(tail, o.rgbRange, o.rgbMean);
}

/** `trainSr: false`: freeze every layer outside the degradation encoder (names starting with `encoderPrefix`). */
export function freezeAllBut(model: LayersModel, encoderPrefix: string): void {
  for (const layer of model.layers) if (!layer.name.startsWith(encoderPrefix)) layer.trainable = false;
}
