// Channels [start, start+size) of an NHWC tensor: ShuffleNetV2's channel split,
// and the per-peer view of a multi-peer feature vector. A layer (not a lambda)
// so models with it save, load and count like any other.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from '../../layers/types';

export interface ChannelSliceArgs extends LayerArgs {
  start: number;
  size: number;
}

export class ChannelSlice extends tf.layers.Layer {
  static className = 'ChannelSlice';
  readonly start: number;
  readonly size: number;

  constructor(args: ChannelSliceArgs) {
    super(args);
    if (!Number.isInteger(args.start) || args.start < 0 || !Number.isInteger(args.size) || args.size < 1) {
      throw new Error(`ChannelSlice ${args.name ?? ''}: start ${args.start} / size ${args.size} must be integers >= 0 / >= 1`);
    }
    this.start = args.start;
    this.size = args.size;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const c = shape[shape.length - 1];
    if (c !== null && this.start + this.size > c) throw new Error(`ChannelSlice ${this.name}: channels [${this.start}, ${this.start + this.size}) exceed the input's ${c}`);
    return [...shape.slice(0, -1), this.size];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const begin = x.shape.map((_, i) => (i === x.rank - 1 ? this.start : 0));
      const size = x.shape.map((d, i) => (i === x.rank - 1 ? this.size : d));
      return tf.slice(x, begin, size);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), start: this.start, size: this.size };
  }
}

tf.serialization.registerClass(ChannelSlice);
