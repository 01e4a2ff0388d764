// Seeded weight initialisation. TF.js has no global seed, so every initializer
// gets its own seed drawn from one Rng: the same seed gives identical weights.
//
// We use PyTorch's default for Conv2d/Linear (kaiming_uniform with a=sqrt(5)),
// i.e. kernel and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), because EDSR, RCAN
// and most KD reference code train from that default.
import { tf, type Rng } from '@kdlab/engine';

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Kernel initializer: U(-b, b) with b = 1/sqrt(fan_in) (variance scaling, scale 1/3, fan in, uniform). */
export function torchKernelInit(rng: Rng): Initializer {
  return tf.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: rng.seed() });
}

/** Bias initializer: U(-b, b) with b = 1/sqrt(fan_in) of the layer the bias belongs to. */
export function torchBiasInit(rng: Rng, fanIn: number): Initializer {
  const b = 1 / Math.sqrt(fanIn);
  return tf.initializers.randomUniform({ minval: -b, maxval: b, seed: rng.seed() });
}

/** The initializer options of a conv layer with `inChannels` inputs and a k x k kernel. */
export function torchConvInit(rng: Rng, inChannels: number, kernelSize: number): { kernelInitializer: Initializer; biasInitializer: Initializer } {
  return { kernelInitializer: torchKernelInit(rng), biasInitializer: torchBiasInit(rng, inChannels * kernelSize * kernelSize) };
}
