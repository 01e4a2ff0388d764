// C2-Matching's two-view correspondence network as one model (ContrasExtractorSep in
// yumingj/C2-Matching@6d60149 mmsr/models/archs/contras_extractor_arch.py: one contras-vgg extractor per
// view, separate weights). The runner trains models with one input tensor, so both views come in as one
// [N, H, W, 6] tensor (view 1 ⊕ view 2 on the channel axis; equal sizes, as the released 160 px training
// crops) and are split by ChannelSlice layers.
// Output ('descriptors'): both views' descriptors on the channel axis, [N, H/4, W/4, 2 · 4·width]
// (view 1 first), so that one output carries both branches (the runner's taps need a single-output model).
// The C2-Matching losses split it with their `packed` option.
// Tap names: 'view1.<vgg tap>' and 'view2.<vgg tap>' (conv1_1 ... conv3_1, see contras-vgg.ts).
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { ChannelSlice } from '../classification/channel-slice';
import { applyLayer } from '../sr/common';
import { contrasVggLayers, contrasVggSchema, type ContrasVggOptions } from './contras-vgg';

export const VIEW1_DESCRIPTORS = 'view1.conv3_1';
export const VIEW2_DESCRIPTORS = 'view2.conv3_1';

export function buildContrasPair(o: ContrasVggOptions, rng: Rng): LayersModel {
  const input = tf.input({ shape: [null, null, 6], name: 'views' });
  const view1 = applyLayer(new ChannelSlice({ name: 'view1', start: 0, size: 3 }), input);
  const view2 = applyLayer(new ChannelSlice({ name: 'view2', start: 3, size: 3 }), input);
  const d1 = contrasVggLayers(view1, o, rng, 'view1.');
  const d2 = contrasVggLayers(view2, o, rng, 'view2.');
  const both = applyLayer(tf.layers.concatenate({ name: 'descriptors', axis: -1 }), [d1, d2]);
  return tf.model({ inputs: input, outputs: both, name: 'contras-pair' });
}

registerBackbone('contras-pair', contrasVggSchema, buildContrasPair);
registerPreset('c2-contras-pair', 'contras-pair', { width: 64 }, "C2-Matching's correspondence network: one VGG16-to-conv3_1 extractor per view (separate weights), views as one 6-channel input");
registerPreset('c2-contras-pair-tiny', 'contras-pair', { width: 16 }, 'CPU-sized C2-Matching correspondence network (16/32/64 channels per view)');
