// Pieces shared by the segmentation backbones (U-Net teacher, MobileNetV2 U-Net and
// ENet-like students). They reuse the classification layers (bias-free conv + BN +
// ReLU with He init, named identities) and add what encoder-decoders need: pooling,
// bilinear upsampling and channel concatenation.
//
// Tap names every segmentation backbone provides (same names in teacher and students,
// so a distillation term pairs layers of equal stride by name):
//   'enc1' stride 2, 'enc2' stride 4, 'enc3' stride 8   encoder outputs
//   'dec2' stride 4, 'dec1' stride 2                    decoder outputs
//   'logits' the model output [N, H, W, numClasses] (unnormalised; = 'output' in kd terms)
// The input is an RGB image [N, H, W, 3] (normalised); H and W must be multiples of 8.
import { z } from 'zod';
import { tf } from '@kdlab/engine';
import type { Rng, SymbolicTensor } from '@kdlab/engine';
import { torchBiasInit, torchKernelInit } from '../../init';
import { AtrousConv2D } from '../../layers/atrous-conv';
import { batchNorm } from '../../layers/batch-norm';
import { apply, nm } from '../classification/common';

export const segOptions = {
  numClasses: z.number().int().min(2).default(2),
  inputChannels: z.number().int().min(1).default(3),
};

export function maxPool(x: SymbolicTensor, name: string, pool = 2): SymbolicTensor {
  return apply(tf.layers.maxPooling2d({ name: nm(name), poolSize: pool, strides: 2, padding: 'same' }), x);
}

/** Bilinear x`factor` upsampling (align_corners = false, as PyTorch's F.interpolate default). */
export function upsample(x: SymbolicTensor, name: string, factor = 2): SymbolicTensor {
  return apply(tf.layers.upSampling2d({ name: nm(name), size: [factor, factor], interpolation: 'bilinear' }), x);
}

export function concat(xs: SymbolicTensor[], name: string): SymbolicTensor {
  return apply(tf.layers.concatenate({ name: nm(name), axis: -1 }), xs);
}

/** The 1x1 classifier with a bias, PyTorch's default Conv2d init: the 'logits' tap. */
export function classifier(x: SymbolicTensor, rng: Rng, numClasses: number): SymbolicTensor {
  const inputs = x.shape[x.shape.length - 1] as number;
  return apply(
    tf.layers.conv2d({ name: nm('logits'), filters: numClasses, kernelSize: 1, useBias: true, kernelInitializer: torchKernelInit(rng), biasInitializer: torchBiasInit(rng, inputs) }),
    x,
  );
}

/** A conv-BN-ReLU with a dilation (atrous) rate, for ASPP and ENet's dilated bottlenecks (see AtrousConv2D). */
export function atrousConvBn(x: SymbolicTensor, rng: Rng, name: string, filters: number, kernelSize: number | [number, number], rate: number): SymbolicTensor {
  const k: [number, number] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  let y = apply(new AtrousConv2D({ name: nm(`${name}.conv`), filters, kernelSize: k, rate, seed: rng.seed() }), x);
  y = apply(batchNorm({ name: nm(`${name}.bn`), momentum: 0.9, epsilon: 1e-5 }), y);
  return apply(tf.layers.reLU({ name: nm(`${name}.relu`) }), y);
}
