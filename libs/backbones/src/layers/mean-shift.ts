// EDSR/RCAN's MeanShift at the two ends of the network. Our tensors are in
// [0, 1]; the originals work on [0, rgbRange] with the dataset mean removed:
//   'sub':  y = (x - mean) * rgbRange      (at the input)
//   'add':  y = x / rgbRange + mean        (at the output)
// With rgbRange 255 the trunk sees exactly the values the PyTorch EDSR/RCAN saw.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from './types';

/** RGB mean of DIV2K, the value EDSR and RCAN use. */
export const DIV2K_RGB_MEAN: readonly [number, number, number] = [0.4488, 0.4371, 0.404];

export interface MeanShiftArgs extends LayerArgs {
  mode: 'sub' | 'add';
  rgbRange: number;
  rgbMean: number[];
}

export class MeanShift extends tf.layers.Layer {
  static className = 'MeanShift';
  readonly mode: 'sub' | 'add';
  readonly rgbRange: number;
  readonly rgbMean: number[];

  constructor(args: MeanShiftArgs) {
    super(args);
    if (args.mode !== 'sub' && args.mode !== 'add') throw new Error(`MeanShift ${args.name ?? ''}: mode must be 'sub' or 'add', got ${String(args.mode)}`);
    this.mode = args.mode;
    this.rgbRange = args.rgbRange;
    this.rgbMean = [...args.rgbMean];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const mean = tf.tensor1d(this.rgbMean);
      return this.mode === 'sub' ? x.sub(mean).mul(this.rgbRange) : x.div(this.rgbRange).add(mean);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), mode: this.mode, rgbRange: this.rgbRange, rgbMean: this.rgbMean };
  }
}

tf.serialization.registerClass(MeanShift);
