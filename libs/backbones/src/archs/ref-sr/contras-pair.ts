// C2-Matching's two-view correspondence network as one model (ContrasExtractorSep in
// yumingj/C2-Matching@6d60149 mmsr/models/archs/contras_extractor_arch.py: one contras-vgg extractor per
// view, separate weights). The runner trains models with one input tensor, so both views come in as one
// [N, H, W, 6] tensor (view 1 ⊕ view 2 on the channel axis; equal sizes, as the released 160 px training
// crops) and are split by ChannelSlice layers.
// Output ('descriptors'): both views' descriptors on the channel axis, [N, H/4, W/4, 2 · 4·width]
// (view 1 first), so that one output carries both branches (the runner's taps need a single-output model).
// The C2-Matching losses split it with their `packed` option.
// `centre: true` (a kdlab deviation, off by default): each view's descriptors have their per-image spatial
// mean removed per channel ('view1.centre', 'view2.centre') before they leave the model. Trained from scratch
// (no ImageNet VGG weights here), the released network under c2-triplet collapsed to one descriptor for every
// cell (loss = margin, best-match accuracy 0 after 50-200 Adam steps at 1e-3 and 1e-4, measured on T91+BSD200
// 96 px pairs); with the mean removed a constant descriptor is no longer a free solution and matching learns
// (about 0.1-0.4 of cells within one cell of the truth on training pairs after 100-400 steps).
// Tap names: 'view1.<vgg tap>' and 'view2.<vgg tap>' (conv1_1 ... conv3_1, see contras-vgg.ts).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { single, singleShape, type Shape } from '../../layers/types';
import { registerBackbone, registerPreset } from '../../backbone';
import { ChannelSlice } from '../classification/channel-slice';
import { applyLayer } from '../sr/common';
import { contrasVggLayers, contrasVggSchema } from './contras-vgg';

/** Removes each channel's spatial mean, per image: [N, H, W, C] → same shape. */
export class SpatialCentre extends tf.layers.Layer {
  static className = 'SpatialCentre';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return x.sub(x.mean([1, 2], true));
    });
  }
}
tf.serialization.registerClass(SpatialCentre);

export const contrasPairSchema = contrasVggSchema.extend({ centre: z.boolean().default(false) }).strict();
export type ContrasPairOptions = z.output<typeof contrasPairSchema>;

export const VIEW1_DESCRIPTORS = 'view1.conv3_1';
export const VIEW2_DESCRIPTORS = 'view2.conv3_1';

export function buildContrasPair(o: ContrasPairOptions, rng: Rng): LayersModel {
  const input = tf.input({ shape: [null, null, 6], name: 'views' });
  const view1 = applyLayer(new ChannelSlice({ name: 'view1', start: 0, size: 3 }), input);
  const view2 = applyLayer(new ChannelSlice({ name: 'view2', start: 3, size: 3 }), input);
  const centred = (x: ReturnType<typeof applyLayer>, view: string) => (o.centre ? applyLayer(new SpatialCentre({ name: `${view}.centre` }), x) : x);
  const d1 = centred(contrasVggLayers(view1, o, rng, 'view1.'), 'view1');
  const d2 = centred(contrasVggLayers(view2, o, rng, 'view2.'), 'view2');
  const both = applyLayer(tf.layers.concatenate({ name: 'descriptors', axis: -1 }), [d1, d2]);
  return tf.model({ inputs: input, outputs: both, name: 'contras-pair' });
}

registerBackbone('contras-pair', contrasPairSchema, buildContrasPair);
registerPreset('c2-contras-pair', 'contras-pair', { width: 64 }, "C2-Matching's correspondence network: one VGG16-to-conv3_1 extractor per view (separate weights), views as one 6-channel input");
registerPreset('c2-contras-pair-tiny', 'contras-pair', { width: 16 }, 'CPU-sized C2-Matching correspondence network (16/32/64 channels per view)');
