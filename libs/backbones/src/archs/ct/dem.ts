// TSC-Net's dynamic enhancement module (DEM; Fu et al., arXiv 2112.00729: "based on the attention
// and deformable convolution mechanism"), as read from the abstract only; every detail is our choice:
//   a = x * sigmoid(W2 relu(W1 GAP(x)))            channel attention (squeeze-and-excitation, reduction r)
//   a2 = avgpool2x2(a)                             the deformable part runs at half resolution: on CPU a
//                                                   full-resolution deformable conv cost 4x a whole
//                                                   RED-CNN-like step (bilinear gathers), pooled ~1x
//   o = conv3x3(a2) -> 18 offset channels           zero-initialised, so the module starts as a plain conv
//   y = x + upsample2x(relu(DeformConv3x3(a2, o)))  deformable convolution (v1), nearest upsampling, residual
// Layer names: '<name>.pool', '<name>.squeeze', '<name>.excite', '<name>.att' (attended features),
// '<name>.down', '<name>.offsets', '<name>.deform', '<name>.up', '<name>' (module output).
// Inputs need even height and width.
import { tf, type Rng } from '@kdlab/engine';
import type { SymbolicTensor } from '@kdlab/engine';
import { torchBiasInit, torchKernelInit } from '../../init';
import { DeformConv2D } from '../../layers/deform-conv';
import { applyLayer } from '../sr/common';

export function dynamicEnhancement(x: SymbolicTensor, channels: number, name: string, rng: Rng, reduction = 4): SymbolicTensor {
  const hidden = Math.max(1, Math.round(channels / reduction));
  const pooled = applyLayer(tf.layers.globalAveragePooling2d({ name: `${name}.pool` }), x);
  const squeeze = applyLayer(tf.layers.dense({ name: `${name}.squeeze`, units: hidden, activation: 'relu', kernelInitializer: torchKernelInit(rng), biasInitializer: torchBiasInit(rng, channels) }), pooled);
  const excite = applyLayer(tf.layers.dense({ name: `${name}.excite`, units: channels, activation: 'sigmoid', kernelInitializer: torchKernelInit(rng), biasInitializer: torchBiasInit(rng, hidden) }), squeeze);
  const gate = applyLayer(tf.layers.reshape({ name: `${name}.gate`, targetShape: [1, 1, channels] }), excite);
  const attended = applyLayer(tf.layers.multiply({ name: `${name}.att` }), [x, gate]);
  const down = applyLayer(tf.layers.averagePooling2d({ name: `${name}.down`, poolSize: 2, strides: 2 }), attended);
  const offsets = applyLayer(tf.layers.conv2d({ name: `${name}.offsets`, filters: 18, kernelSize: 3, padding: 'same', kernelInitializer: 'zeros', biasInitializer: 'zeros' }), down);
  const deformed = applyLayer(new DeformConv2D({ name: `${name}.deform`, filters: channels, kernelSize: 3, seed: rng.seed() }), [down, offsets]);
  const activated = applyLayer(tf.layers.activation({ name: `${name}.relu`, activation: 'relu' }), deformed);
  const up = applyLayer(tf.layers.upSampling2d({ name: `${name}.up`, size: [2, 2] }), activated);
  return applyLayer(tf.layers.add({ name }), [x, up]);
}
