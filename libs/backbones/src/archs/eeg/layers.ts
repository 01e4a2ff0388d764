// Custom layers of the EEG decoders. EEG trials are NHWC [N, electrodes, samples, 1] (the
// layout of Lawhern et al.'s EEGModels with channels_last): H = electrodes, W = time.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from '../../layers/types';

export interface ElectrodeSelectArgs extends LayerArgs {
  /** Rows (electrodes) of the input to keep, in this order. */
  indices: number[];
}

/**
 * Keeps the electrodes `indices` of a full-montage input: a low-density student is the same
 * architecture whose first layer sees only its montage, so teacher and student read the same
 * batches (the runner feeds one input to both) and no electrode outside the montage reaches the
 * student. A layer (not a lambda) so models save, load and count like any other; no weights.
 */
export class ElectrodeSelect extends tf.layers.Layer {
  static className = 'ElectrodeSelect';
  readonly indices: number[];

  constructor(args: ElectrodeSelectArgs) {
    super(args);
    if (!Array.isArray(args.indices) || args.indices.length === 0 || args.indices.some((i) => !Number.isInteger(i) || i < 0)) {
      throw new Error(`ElectrodeSelect ${args.name ?? ''}: indices must be a non-empty list of integers >= 0, got ${JSON.stringify(args.indices)}`);
    }
    if (new Set(args.indices).size !== args.indices.length) throw new Error(`ElectrodeSelect ${args.name ?? ''}: indices ${JSON.stringify(args.indices)} repeat an electrode`);
    this.indices = [...args.indices];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const h = shape[1];
    if (h !== null && Math.max(...this.indices) >= h) throw new Error(`ElectrodeSelect ${this.name}: electrode index ${Math.max(...this.indices)} is outside the input's ${h} electrodes`);
    return [shape[0], this.indices.length, ...shape.slice(2)];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => tf.gather(single(inputs), this.indices, 1));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), indices: this.indices };
  }
}

export interface SeededDropoutArgs extends LayerArgs {
  rate: number;
  seed: number;
}

/**
 * Inverted dropout whose masks come from a seeded stream: the k-th training call draws with seed
 * `seed + k`, so a run is reproducible from its seed (tf.layers.dropout is either unseeded, or
 * seeded with one seed that repeats the same mask every step). Inference passes the input through.
 * The call counter lives in the layer, not in checkpoints: a resumed run draws masks anew.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`SeededDropout ${args.name ?? ''}: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
    const x = single(inputs);
    if (!kwargs?.training || this.rate === 0) return tf.tidy(() => x.clone());
    const seed = this.seed + this.calls++;
    return tf.tidy(() => {
      const keep = tf.randomUniform(x.shape, 0, 1, 'float32', seed).greaterEqual(this.rate).cast('float32');
      return x.mul(keep).div(1 - this.rate);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Shallow ConvNet's nonlinearities: x^2 and log(max(x, eps)). */
export class Square extends tf.layers.Layer {
  static className = 'Square';
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return singleShape(s);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => single(inputs).square());
  }
}

export class SafeLog extends tf.layers.Layer {
  static className = 'SafeLog';
  readonly eps: number;
  constructor(args: LayerArgs & { eps?: number }) {
    super(args);
    this.eps = args.eps ?? 1e-6;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return singleShape(s);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => single(inputs).maximum(this.eps).log());
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), eps: this.eps };
  }
}

for (const c of [ElectrodeSelect, SeededDropout, Square, SafeLog]) tf.serialization.registerClass(c);

type LayerWeight = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;

export interface TemporalConvArgs extends LayerArgs {
  filters: number;
  kernelLength: number;
  padding: 'same' | 'valid';
  useBias: boolean;
  kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform>;
}

/**
 * A Conv2D with a (1, kernelLength) kernel over the time axis: what tf.layers.conv2d computes, but
 * through the plain conv2d op. tf.layers.conv2d runs TF.js's fused conv, whose gradient always
 * computes the input gradient too; on the first layer of an EEG decoder (input = the data) that is a
 * Conv2DBackpropInput over [N, electrodes, samples, filters] that nothing uses, about half of an
 * EEGNet training step. The plain op's gradient computes only what the tape needs.
 */
export class TemporalConv extends tf.layers.Layer {
  static className = 'TemporalConv';
  readonly filters: number;
  readonly kernelLength: number;
  readonly padding: 'same' | 'valid';
  readonly useBias: boolean;
  private readonly init: TemporalConvArgs['kernelInitializer'] | undefined;
  private kernel!: LayerWeight;
  private bias: LayerWeight | null = null;

  constructor(args: TemporalConvArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelLength = args.kernelLength;
    this.padding = args.padding;
    this.useBias = args.useBias;
    this.init = args.kernelInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const c = singleShape(inputShape)[3] as number;
    this.kernel = this.addWeight('kernel', [1, this.kernelLength, c, this.filters], 'float32', this.init ?? tf.initializers.glorotUniform({}));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w] = singleShape(inputShape);
    return [n, h, this.padding === 'same' || w === null ? w : w - this.kernelLength + 1, this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const y = tf.conv2d(single(inputs) as Parameters<typeof tf.conv2d>[0], this.kernel.read() as Parameters<typeof tf.conv2d>[1], 1, this.padding);
      return this.bias ? y.add(this.bias.read()) : y;
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelLength: this.kernelLength, padding: this.padding, useBias: this.useBias };
  }

  /** Multiply-accumulates for countMacs: one kernel per output position and filter. */
  macs(inputs: Shape[], output: Shape): number {
    const cin = inputs[0][inputs[0].length - 1] ?? 0;
    return output.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1) * this.kernelLength * cin * this.filters;
  }
}

tf.serialization.registerClass(TemporalConv);
