// A Conv2D with bias and ReLU whose training step keeps conv + bias + ReLU as one
// kernel (@kdlab/engine conv2dBiasRelu) instead of tfjs-core's three ops under a tape.
//
// It is tfjs-layers' Conv2D with only `call` replaced: same weights, names,
// initializers, config and className ('Conv2D' in a saved topology, so checkpoints,
// cached teachers, FLOP counts and anything that looks for a Conv2D see no change).
// Where the fused path does not apply (another activation, no bias, channels-first,
// dilation > 1, or KDLAB_FUSED_ACTIVATION=0 when the layer is built) it is tfjs' Conv2D.
import { tf, conv2dBiasRelu, fusedActivationEnabled } from '@kdlab/engine';
import type { Tensor, Tensor1D, Tensor4D } from '@kdlab/engine';
import { Conv2DBase, type ConvArgs } from './tfjs-conv';
import { single } from './types';

type Kwargs = Parameters<InstanceType<typeof Conv2DBase>['call']>[1];
/** The fields of tfjs-layers' Conv2D this layer reads. */
interface ConvInternals {
  activation: { getClassName(): string };
  bias: { read(): Tensor } | null;
  useBias: boolean;
  kernel: { read(): Tensor };
  strides: number[]; dilationRate: number[]; padding: string; dataFormat: string;
}

export class ReluConv2D extends Conv2DBase {
  readonly fusedRelu: boolean;

  constructor(args: ConvArgs) {
    super(args);
    const self = this as unknown as ConvInternals;
    this.fusedRelu = fusedActivationEnabled() && self.activation.getClassName() === 'relu' && self.useBias &&
      self.dataFormat === 'channelsLast' && self.dilationRate.every((d) => d === 1);
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const x = single(inputs);
    if (!this.fusedRelu || x.rank !== 4) return super.call(inputs, kwargs);
    const self = this as unknown as ConvInternals;
    return conv2dBiasRelu(x as Tensor4D, self.kernel.read() as Tensor4D, self.bias!.read() as Tensor1D, {
      strides: self.strides as [number, number],
      pad: self.padding === 'same' ? 'same' : 'valid',
    });
  }
}

/** tf.layers.conv2d, as a ReluConv2D when its activation is ReLU (the same layer otherwise). */
export function conv2dLayer(args: ConvArgs): ReturnType<typeof tf.layers.conv2d> {
  return args.activation === 'relu' ? new ReluConv2D(args) : tf.layers.conv2d(args);
}
