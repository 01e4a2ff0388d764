// C2-Matching's contrastive correspondence feature extractor (Jiang et al., "Robust Reference-based
// Super-Resolution via C2-Matching", CVPR 2021; read in yumingj/C2-Matching@6d60149,
// mmsr/models/archs/contras_extractor_arch.py, ContrasExtractorLayer): VGG16's first layers up to conv3_1,
//   normalise (ImageNet mean/std) → conv1_1, ReLU, conv1_2, ReLU, maxpool 2 → conv2_1, ReLU, conv2_2, ReLU,
//   maxpool 2 → conv3_1 (no ReLU: the released slice ends at conv3_1)
// giving dense descriptors at 1/4 of the input size (256 channels at full width). The released network
// (ContrasExtractorSep) has one such extractor per view with separate weights: build this backbone twice.
// Input: [N, H, W, 3] RGB in [0, 1]; output [N, floor(H/4), floor(W/4), 4·width] (max pooling
// 'valid', as torch's MaxPool2d(2, 2)).
// Choices and deviations:
//  - trained from scratch: the released extractor starts from torchvision's ImageNet VGG16 weights, which
//    are not reachable here;
//  - `width` (64 as in VGG16) scales every layer (width, 2·width, 4·width) for CPU-sized variants;
//  - the ImageNet std (0.229, 0.224, 0.225) is applied as one scale 1/0.226 (MeanShift divides by a scalar);
//    conv1_1, trained from scratch, absorbs any per-channel scale;
//  - PyTorch's default conv initialisation (U(±1/sqrt(fan_in)) for kernels and biases), seeded.
// Tap names: 'conv1_1', 'conv1_2', 'pool1', 'conv2_1', 'conv2_2', 'pool2', 'conv3_1' (= the output).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { MeanShift } from '../../layers';
import { applyLayer, conv2d } from '../sr/common';

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD_MEAN = 0.226;

export const contrasVggSchema = z.object({ width: z.number().int().min(1).default(64) }).strict();
export type ContrasVggOptions = z.output<typeof contrasVggSchema>;

/**
 * The extractor's layers applied to `image` ([N, H, W, 3] in [0, 1]), layer names prefixed by `prefix`
 * (a two-view model builds it twice: 'view1.' and 'view2.'). Returns conv3_1 (the descriptors).
 */
export function contrasVggLayers(image: SymbolicTensor, o: ContrasVggOptions, rng: Rng, prefix = ''): SymbolicTensor {
  const w = o.width;
  const conv = (name: string, cin: number, cout: number, x: SymbolicTensor, relu = true) => applyLayer(conv2d(rng, prefix + name, cin, cout, 3, relu ? 'relu' : undefined), x);
  const pool = (name: string, x: SymbolicTensor) => applyLayer(tf.layers.maxPooling2d({ name: prefix + name, poolSize: 2, strides: 2, padding: 'valid' }), x);
  const x0 = applyLayer(new MeanShift({ name: prefix + 'sub_mean', mode: 'sub', rgbRange: 1 / IMAGENET_STD_MEAN, rgbMean: IMAGENET_MEAN }), image);
  const c12 = conv('conv1_2', w, w, conv('conv1_1', 3, w, x0));
  const c22 = conv('conv2_2', 2 * w, 2 * w, conv('conv2_1', w, 2 * w, pool('pool1', c12)));
  return conv('conv3_1', 2 * w, 4 * w, pool('pool2', c22), false);
}

export function buildContrasVgg(o: ContrasVggOptions, rng: Rng): LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: 'image' });
  return tf.model({ inputs: input, outputs: contrasVggLayers(input, o, rng), name: 'contras-vgg' });
}

registerBackbone('contras-vgg', contrasVggSchema, buildContrasVgg);
registerPreset('c2-contras-vgg', 'contras-vgg', { width: 64 }, "C2-Matching's correspondence extractor: VGG16 up to conv3_1 (256 channels at 1/4 scale), from scratch");
registerPreset('c2-contras-vgg-tiny', 'contras-vgg', { width: 16 }, 'CPU-sized C2-Matching extractor (16/32/64 channels)');
