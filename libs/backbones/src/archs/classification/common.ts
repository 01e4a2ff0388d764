// Pieces shared by the CIFAR classification backbones (the model zoo of the
// CIFAR KD benchmarks, Tian et al.'s RepDistiller / CRD code): bias-free convs
// with He (fan-out) init, BatchNorm with PyTorch's settings, ReLU, and the
// global-average-pool + linear head.
//
// Tap names every classification backbone provides:
//   'stem'            output of the first conv (after its BN/ReLU when it has them)
//   'stage{s}'        output of stage s (s = 1..), the usual hint points
//   'stage{s}.block{b}' output of block b of stage s (b from 0), for hint search
//   'pool'            global average pool: the penultimate feature vector [N, D]
//   'logits'          the model output [N, numClasses] (= 'output' in kd terms)
// Spatial input size is free ([null, null, C]): CIFAR is 32x32, Fashion-MNIST 28x28.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone } from '../../backbone';
import { torchBiasInit, torchKernelInit } from '../../init';
import { batchNorm } from '../../layers/batch-norm';

export const clsOptions = {
  numClasses: z.number().int().min(1).default(10),
  inputChannels: z.number().int().min(1).default(3),
};

// Layer names carry a prefix while a cohort of peers is built ('peer0.stage1', ...),
// because the layers of one model must have unique names.
let prefix = '';

/** Runs `build` with every layer name prefixed by `p`. */
export function withNamePrefix<T>(p: string, build: () => T): T {
  const outer = prefix;
  prefix = outer + p;
  try {
    return build();
  } finally {
    prefix = outer;
  }
}

/** The layer name to use for `name` (prefixed inside withNamePrefix). */
export function nm(name: string): string {
  return prefix + name;
}

export function apply(layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown }, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

export function inputLayer(channels: number): SymbolicTensor {
  return tf.input({ shape: [null, null, channels], name: nm('image') });
}

/**
 * A bias-free conv with He-normal fan-out init, as the CIFAR ResNet/WRN/MobileNet code initialises
 * convs (kaiming_normal_(mode='fan_out') / normal(0, sqrt(2/n)) with n = k*k*out).
 */
export function conv(rng: Rng, name: string, filters: number, kernelSize: number, strides = 1, depthwise = false) {
  const kernelInitializer = tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: rng.seed() });
  if (depthwise) {
    return tf.layers.depthwiseConv2d({ name: nm(name), kernelSize, strides, padding: 'same', useBias: false, depthwiseInitializer: kernelInitializer });
  }
  return tf.layers.conv2d({ name: nm(name), filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer });
}

/** BatchNorm with PyTorch's defaults (momentum 0.1 = TF 0.9, eps 1e-5), gamma 1, beta 0. */
export function bn(name: string) {
  return batchNorm({ name: nm(name), momentum: 0.9, epsilon: 1e-5 });
}

export function relu(name: string) {
  return tf.layers.reLU({ name: nm(name) });
}

/** conv -> BN (-> ReLU). */
export function convBn(x: SymbolicTensor, rng: Rng, name: string, filters: number, kernelSize: number, strides = 1, withRelu = true, depthwise = false): SymbolicTensor {
  let y = apply(conv(rng, `${name}.conv`, filters, kernelSize, strides, depthwise), x);
  y = apply(bn(`${name}.bn`), y);
  return withRelu ? apply(relu(`${name}.relu`), y) : y;
}

/** A named identity, so that a stage output has a stable tap name. */
export function named(x: SymbolicTensor, name: string): SymbolicTensor {
  return apply(tf.layers.activation({ activation: 'linear', name: nm(name) }), x);
}

/** Global average pool: the penultimate feature vector ('pool'). */
export function globalPool(x: SymbolicTensor): SymbolicTensor {
  return apply(tf.layers.globalAveragePooling2d({ name: nm('pool') }), x);
}

/** A linear classifier with PyTorch's default Linear init. */
export function linear(x: SymbolicTensor, name: string, units: number, rng: Rng): SymbolicTensor {
  const inputs = x.shape[x.shape.length - 1] as number;
  return apply(tf.layers.dense({ name: nm(name), units, kernelInitializer: torchKernelInit(rng), biasInitializer: torchBiasInit(rng, inputs) }), x);
}

/**
 * The part of a classifier before its pooling: input image -> last feature map.
 * Every classification architecture is one of these; the backbone adds pool + linear,
 * and the peer cohort (peers.ts) reuses it under a name prefix.
 */
export type Trunk<O> = (input: SymbolicTensor, options: O, rng: Rng) => SymbolicTensor;

interface TrunkEntry {
  schema: z.ZodTypeAny;
  trunk: Trunk<never>;
}

const trunks = new Map<string, TrunkEntry>();

/** Registers `arch` as a backbone (trunk + 'pool' + 'logits') and keeps its trunk for cohorts. */
export function registerClassifier<S extends z.ZodTypeAny>(arch: string, schema: S, trunk: Trunk<z.output<S>>, modelName: (o: z.output<S>) => string): void {
  trunks.set(arch, { schema, trunk: trunk as Trunk<never> });
  registerBackbone(arch, schema, (o: z.output<S> & { numClasses: number; inputChannels: number }, rng: Rng): LayersModel => {
    const input = inputLayer(o.inputChannels);
    const logits = linear(globalPool(trunk(input, o, rng)), 'logits', o.numClasses, rng);
    return tf.model({ inputs: input, outputs: logits, name: modelName(o) });
  });
}

export function classifierTrunk(arch: string): TrunkEntry | undefined {
  return trunks.get(arch);
}
