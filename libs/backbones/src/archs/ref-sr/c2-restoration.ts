// A C2-Matching-style restoration network, single scale (our reading of yumingj/C2-Matching@6d60149
// mmsr/models/archs/ref_restoration_arch.py, DynamicAggregationRestoration, and its DynAgg = DCNv2 whose
// offsets start from the matcher's precomputed non-local offsets, with the offset/mask conv zero-initialised).
//
// Input at the LR grid, [N, h, w, C]:
//   reference: true  → C = 3 + 3·s² + 2: LR ⊕ PixelUnshuffle(reference, s) ⊕ flow (dy, dx in LR cells: where the
//                      matcher puts each LR cell's best match in the reference's 1/s grid);
//   reference: false → C = 3: LR only ("SR without reference": the same body, no reference branch).
// Graph: head conv on LR; reference branch: 2 convs on the unshuffled reference, WarpByFlow (reference
// features at the matched cells), offset conv on [head, warped] (zero-initialised, so offsets start at the
// flow) + the flow on every tap (FlowOffsets), DeformConv2D over the reference features, 1x1 fuse with the
// head; then `blocks` residual blocks (conv-ReLU-conv + skip), a conv, the global skip, the x s pixel-shuffle
// upsampler and a tail conv. Output [N, s·h, s·w, 3] in [0, 1]; L1 is the config's task term.
// Choices and deviations (stated in experiments/ref-sr/README.md):
//  - one scale (the LR grid = 1/4 of HR at x4) instead of the released three (1/4, 1/2, 1): the reference
//    enters as PixelUnshuffle(HR reference), which keeps its full-resolution detail at the LR grid;
//  - deformable conv v1 (no modulation mask), one offset group (released: DCNv2, 8 groups);
//  - reference features from two convs trained from scratch (released: VGG relu1_1/2_1/3_1 of the reference);
//  - no GAN / perceptual losses (the released default *_mse model is L1 only; the GAN variant is not built);
//  - values in [0, 1] with the DIV2K mean removed (rgbRange 1).
// Tap names: 'head', 'ref.conv1', 'ref.conv2', 'ref.warp', 'dynagg.offset', 'dynagg.offsets', 'dynagg',
// 'fuse', 'body.block{i}', 'body.conv', 'body', 'upsample', 'tail', 'add_mean'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { DeformConv2D } from '../../layers/deform-conv';
import { ChannelSlice } from '../classification/channel-slice';
import { addMean, applyLayer, conv2d, subMean } from '../sr/common';
import { upsampler } from '../sr/upsampler';
import { FlowOffsets, WarpByFlow } from './flow-layers';
import { DIV2K_RGB_MEAN } from '../../layers';

export const c2RestorationSchema = z
  .object({
    scale: z.literal(4),
    channels: z.number().int().min(1),
    blocks: z.number().int().min(1),
    reference: z.boolean().default(true),
    kernelSize: z.number().int().min(1).default(3),
  })
  .strict();

export type C2RestorationOptions = z.output<typeof c2RestorationSchema>;

/** Input channels of the model: 3 (LR) or 3 + 3·s² + 2 (LR ⊕ unshuffled reference ⊕ flow). */
export const restorationInputChannels = (scale: number, reference: boolean): number => (reference ? 3 + 3 * scale * scale + 2 : 3);

export function buildC2Restoration(o: C2RestorationOptions, rng: Rng): LayersModel {
  const F = o.channels;
  const s = o.scale;
  const refChannels = 3 * s * s;
  const input = tf.input({ shape: [null, null, restorationInputChannels(s, o.reference)], name: 'lr_ref_flow' });
  const slice = (name: string, start: number, size: number) => applyLayer(new ChannelSlice({ name, start, size }), input);
  const lr = o.reference ? slice('lr', 0, 3) : input;
  const head = applyLayer(conv2d(rng, 'head', 3, F), subMean(lr, 1, [...DIV2K_RGB_MEAN]));
  let x: SymbolicTensor = head;
  if (o.reference) {
    const ref = slice('ref', 3, refChannels);
    const flow = slice('flow', 3 + refChannels, 2);
    const refFeat = applyLayer(conv2d(rng, 'ref.conv2', F, F), applyLayer(conv2d(rng, 'ref.conv1', refChannels, F, 3, 'relu'), ref));
    const warped = applyLayer(new WarpByFlow({ name: 'ref.warp' }), [refFeat, flow]);
    const taps = o.kernelSize * o.kernelSize;
    const residual = applyLayer(
      tf.layers.conv2d({ name: 'dynagg.offset', filters: 2 * taps, kernelSize: 3, padding: 'same', kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
      applyLayer(tf.layers.concatenate({ name: 'dynagg.offset_in', axis: -1 }), [head, warped]),
    );
    const offsets = applyLayer(new FlowOffsets({ name: 'dynagg.offsets' }), [residual, flow]);
    const aligned = applyLayer(new DeformConv2D({ name: 'dynagg', filters: F, kernelSize: o.kernelSize, seed: rng.seed() }), [refFeat, offsets]);
    x = applyLayer(conv2d(rng, 'fuse', 2 * F, F, 1), applyLayer(tf.layers.concatenate({ name: 'fuse_in', axis: -1 }), [head, aligned]));
  }
  const skip = x;
  for (let i = 0; i < o.blocks; i++) {
    const name = `body.block${i}`;
    const y = applyLayer(conv2d(rng, `${name}.conv2`, F, F), applyLayer(conv2d(rng, `${name}.conv1`, F, F, 3, 'relu'), x));
    x = applyLayer(tf.layers.add({ name }), [y, x]);
  }
  const body = applyLayer(tf.layers.add({ name: 'body' }), [applyLayer(conv2d(rng, 'body.conv', F, F), x), skip]);
  const tail = applyLayer(conv2d(rng, 'tail', F, 3), upsampler(body, s, F, rng));
  return tf.model({ inputs: input, outputs: addMean(tail, 1, [...DIV2K_RGB_MEAN]), name: 'c2-restoration' });
}

registerBackbone('c2-restoration', c2RestorationSchema, buildC2Restoration);
registerPreset('c2-restoration-paper', 'c2-restoration', { scale: 4, channels: 64, blocks: 16 }, 'C2-Matching-style restoration (single scale): 16 residual blocks x 64 channels, correspondence-guided deformable aggregation');
registerPreset('c2-restoration-tiny', 'c2-restoration', { scale: 4, channels: 16, blocks: 3 }, 'CPU-sized restoration: 3 residual blocks x 16 channels');
