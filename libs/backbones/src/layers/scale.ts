// Multiplies by a constant: EDSR's residual scaling (0.1 in the 32x256 model,
// which keeps the deep wide trunk stable in training).
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from './types';

export interface ScaleArgs extends LayerArgs {
  factor: number;
}

export class Scale extends tf.layers.Layer {
  static className = 'Scale';
  readonly factor: number;

  constructor(args: ScaleArgs) {
    super(args);
    if (!Number.isFinite(args.factor)) throw new Error(`Scale ${args.name ?? ''}: factor must be a finite number, got ${args.factor}`);
    this.factor = args.factor;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => single(inputs).mul(this.factor));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

tf.serialization.registerClass(Scale);
