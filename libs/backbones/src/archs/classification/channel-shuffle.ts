// Channel shuffle of ShuffleNet (Zhang et al. 2018; Ma et al. 2018) on NHWC,
// with PyTorch's channel order: view the C channels as [g, C/g], transpose to
// [C/g, g], flatten — so output channel j*g + i is input channel i*(C/g) + j,
// exactly as x.view(N, g, C/g, H, W).permute(0, 2, 1, 3, 4) does on NCHW.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from '../../layers/types';

export interface ChannelShuffleArgs extends LayerArgs {
  groups: number;
}

export class ChannelShuffle extends tf.layers.Layer {
  static className = 'ChannelShuffle';
  readonly groups: number;

  constructor(args: ChannelShuffleArgs) {
    super(args);
    if (!Number.isInteger(args.groups) || args.groups < 1) throw new Error(`ChannelShuffle ${args.name ?? ''}: groups must be a positive integer, got ${args.groups}`);
    this.groups = args.groups;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const c = shape[shape.length - 1];
    if (c !== null && c % this.groups !== 0) throw new Error(`ChannelShuffle ${this.name}: ${c} channels are not divisible into ${this.groups} groups`);
    return shape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [n, h, w, c] = x.shape;
      const g = this.groups;
      return x.reshape([n, h, w, g, c / g]).transpose([0, 1, 2, 4, 3]).reshape([n, h, w, c]);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}

tf.serialization.registerClass(ChannelShuffle);
