// Custom layers of the time-domain speech models (MANNER). Signals and features
// are NHWC with H = 1: [N, 1, T, C] (time on the width axis), so the conv,
// adapter and feature losses of the other domains apply unchanged. Overlapped
// chunks (dual-path processing) are [N, P, K, C]: P chunks of K samples.
import { tf } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { single, singleShape, type ConfigDict, type LayerArgs, type Shape } from '../../layers/types';

/** Standard deviation over time (unbiased, as torch's .std), [N, 1, 1, 1]. */
function timeStd(x: Tensor): Tensor {
  const n = x.shape[2]!;
  const mean = x.mean([1, 2, 3], true);
  return x.sub(mean).square().sum([1, 2, 3], true).div(Math.max(1, n - 1)).sqrt();
}

/** MANNER's input normalisation: x / (eps + std(x)); the model multiplies the output back (CropRescale). */
export class StdNormalize extends tf.layers.Layer {
  static className = 'StdNormalize';
  constructor(args: LayerArgs & { eps?: number }) {
    super(args);
    this.eps = args.eps ?? 1e-3;
  }
  readonly eps: number;
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return singleShape(s);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return x.div(timeStd(x).add(this.eps));
    });
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), eps: this.eps };
  }
}

/** MANNER's valid length: the smallest length >= T that the strided encoder/decoder maps back to itself. */
export function mannerValidLength(length: number, depth: number, kernel: number, stride: number): number {
  let l = length;
  for (let i = 0; i < depth; i++) l = Math.max(Math.ceil((l - kernel) / stride) + 1, 1);
  for (let i = 0; i < depth; i++) l = (l - 1) * stride + kernel;
  return l;
}

/** Zero-pads time to MANNER's valid length (the released model's F.pad before its block). */
export class PadToValid extends tf.layers.Layer {
  static className = 'PadToValid';
  readonly depth: number;
  readonly kernel: number;
  readonly stride: number;
  constructor(args: LayerArgs & { depth: number; kernel: number; stride: number }) {
    super(args);
    this.depth = args.depth;
    this.kernel = args.kernel;
    this.stride = args.stride;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shape = singleShape(s);
    const t = shape[2];
    return [shape[0], shape[1], t === null ? null : mannerValidLength(t, this.depth, this.kernel, this.stride), shape[3]];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const t = x.shape[2]!;
      const pad = mannerValidLength(t, this.depth, this.kernel, this.stride) - t;
      return pad > 0 ? x.pad([[0, 0], [0, 0], [0, pad], [0, 0]]) : x;
    });
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), depth: this.depth, kernel: this.kernel, stride: this.stride };
  }
}

/** [y, x]: y cropped to x's length and multiplied by std(x) (undoing StdNormalize, as the released forward does). */
export class CropRescale extends tf.layers.Layer {
  static className = 'CropRescale';
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return (s as Shape[])[1];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [y, x] = inputs as Tensor[];
      return y.slice([0, 0, 0, 0], [-1, -1, x.shape[2]!, -1]).mul(timeStd(x));
    });
  }
}

/** Gated linear unit over channels: a * sigmoid(b) for the two halves (torch nn.GLU(dim=1)). */
export class Glu extends tf.layers.Layer {
  static className = 'Glu';
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shape = singleShape(s);
    const c = shape[shape.length - 1];
    return [...shape.slice(0, -1), c === null ? null : c / 2];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [a, b] = tf.split(single(inputs), 2, -1);
      return a.mul(b.sigmoid());
    });
  }
}

/** x times a broadcast gate: [x, gate] with gate [N, 1, 1, C] (channel attention) or [N, P, K, 1] (local attention). */
export class GateMultiply extends tf.layers.Layer {
  static className = 'GateMultiply';
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return (s as Shape[])[0];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => (inputs as Tensor[])[0].mul((inputs as Tensor[])[1]));
  }
}

/** Max and mean over channels, stacked as 2 channels (local attention's pooling). */
export class ChannelMaxMean extends tf.layers.Layer {
  static className = 'ChannelMaxMean';
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return [...singleShape(s).slice(0, -1), 2];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      return tf.concat([x.max(-1, true), x.mean(-1, true)], -1);
    });
  }
}

/** Number of overlapped chunks of dual-path processing (torch unfold, kernel K, padding K, stride K/2). */
export function chunkCount(t: number, chunk: number): number {
  return Math.floor((t + chunk) / (chunk / 2)) + 1;
}

/**
 * Overlapped chunking [N, 1, T, C] -> [N, P, K, C]: the signal padded by K zeros on
 * both sides, chunks of K at hop K/2 (asteroid's DualPathProcessing.unfold, which
 * MANNER uses). With hop = K/2 each chunk is two consecutive half-chunk blocks.
 */
export class Unfold extends tf.layers.Layer {
  static className = 'Unfold';
  readonly chunk: number;
  constructor(args: LayerArgs & { chunk: number }) {
    super(args);
    if (args.chunk % 2 !== 0) throw new Error(`Unfold ${args.name ?? ''}: chunk ${args.chunk} must be even (hop = chunk / 2)`);
    this.chunk = args.chunk;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const [n, , t, c] = singleShape(s);
    return [n, t === null ? null : chunkCount(t, this.chunk), this.chunk, c];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [n, , t, c] = x.shape as number[];
      const hop = this.chunk / 2;
      const p = chunkCount(t, this.chunk);
      const blocks = p + 1;
      // Padded length T + 2K, extended with zeros (or cut) to (P + 1) hops.
      const padded = x.reshape([n, t, c]).pad([[0, 0], [this.chunk, Math.max(0, blocks * hop - t - this.chunk)], [0, 0]]).slice([0, 0, 0], [n, blocks * hop, c]);
      const b = padded.reshape([n, blocks, hop, c]);
      const first = b.slice([0, 0, 0, 0], [n, p, hop, c]);
      const second = b.slice([0, 1, 0, 0], [n, p, hop, c]);
      return tf.concat([first, second], 2);
    });
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), chunk: this.chunk };
  }
}

/** Overlap-add back [chunks [N, P, K, C], reference [N, 1, T, C]] -> [N, 1, T, C], divided by K / hop = 2 (asteroid's fold). */
export class Fold extends tf.layers.Layer {
  static className = 'Fold';
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const [chunks, ref] = s as Shape[];
    return [ref[0], 1, ref[2], chunks[3]];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [x, ref] = inputs as Tensor[];
      const [n, p, k, c] = x.shape as number[];
      const t = ref.shape[2]!;
      const hop = k / 2;
      const first = x.slice([0, 0, 0, 0], [n, p, hop, c]).pad([[0, 0], [0, 1], [0, 0], [0, 0]]);
      const second = x.slice([0, 0, hop, 0], [n, p, hop, c]).pad([[0, 0], [1, 0], [0, 0], [0, 0]]);
      const summed = first.add(second).reshape([n, (p + 1) * hop, c]);
      return summed.slice([0, k, 0], [n, t, c]).div(2).reshape([n, 1, t, c]);
    });
  }
}

interface ChunkAttentionArgs extends LayerArgs {
  chunk: number;
  heads: number;
  /** Seeds of the two projection initialisers (PyTorch Linear default: U(+-1/sqrt(fan_in))). */
  seeds: [number, number];
}

type LayerVariable = ReturnType<ChunkAttentionMap['addLinear']>;

/** PyTorch's nn.Linear default initialisation: U(+-1/sqrt(fan_in)). */
function linearInit(fanIn: number, seed: number) {
  const b = 1 / Math.sqrt(fanIn);
  return tf.initializers.randomUniform({ minval: -b, maxval: b, seed });
}

/** [N, P, K, C] -> per (sample, channel): tokens = chunks, features = K, projected to heads x dk. */
function project(x: Tensor, w: Tensor, heads: number): Tensor {
  const [n, p, k, c] = x.shape as number[];
  const dk = w.shape[1]! / heads;
  return x.transpose([0, 3, 1, 2]).reshape([n * c * p, k]).matMul(w).reshape([n * c, p, heads, dk]).transpose([0, 2, 1, 3]).reshape([n * c * heads, p, dk]);
}

/**
 * MANNER's global attention, first half: the attention map over chunks,
 * softmax(q k^T / sqrt(dk)) with q, k linear (no bias) in the chunk samples;
 * dk = K x heads, as the released code sets it. Output [N, C, heads, P, P].
 */
export class ChunkAttentionMap extends tf.layers.Layer {
  static className = 'ChunkAttentionMap';
  readonly chunk: number;
  readonly heads: number;
  private readonly seeds: [number, number];
  private wq!: LayerVariable;
  private wk!: LayerVariable;
  constructor(args: ChunkAttentionArgs) {
    super(args);
    this.chunk = args.chunk;
    this.heads = args.heads;
    this.seeds = args.seeds;
  }
  addLinear(name: string, fanIn: number, fanOut: number, seed: number) {
    return this.addWeight(name, [fanIn, fanOut], 'float32', linearInit(fanIn, seed));
  }
  override build(): void {
    const d = this.heads * this.chunk * this.heads;
    this.wq = this.addLinear('wq', this.chunk, d, this.seeds[0]);
    this.wk = this.addLinear('wk', this.chunk, d, this.seeds[1]);
    this.built = true;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const [n, p, , c] = singleShape(s);
    return [n, c, this.heads, p, p];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const [n, p, , c] = x.shape as number[];
      const dk = this.chunk * this.heads;
      const q = project(x, this.wq.read(), this.heads).div(Math.sqrt(dk));
      const k = project(x, this.wk.read(), this.heads);
      return tf.softmax(q.matMul(k, false, true), -1).reshape([n, c, this.heads, p, p]);
    });
  }
  /** q, k projections and q k^T, per forward pass (for FLOP counts). */
  macs(inputs: Shape[]): number {
    const [, p, k, c] = inputs[0] as number[];
    const d = this.heads * this.chunk * this.heads;
    return 2 * c * p * k * d + c * this.heads * p * p * (d / this.heads);
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), chunk: this.chunk, heads: this.heads, seeds: this.seeds };
  }
}

/** Global attention, second half: [chunks, map] -> map @ v, projected back to K samples (fc, no bias). */
export class ChunkAttentionApply extends tf.layers.Layer {
  static className = 'ChunkAttentionApply';
  readonly chunk: number;
  readonly heads: number;
  private readonly seeds: [number, number];
  private wv!: LayerVariable;
  private fc!: LayerVariable;
  constructor(args: ChunkAttentionArgs) {
    super(args);
    this.chunk = args.chunk;
    this.heads = args.heads;
    this.seeds = args.seeds;
  }
  override build(): void {
    const d = this.heads * this.chunk * this.heads;
    this.wv = this.addWeight('wv', [this.chunk, d], 'float32', linearInit(this.chunk, this.seeds[0]));
    this.fc = this.addWeight('fc', [d, this.chunk], 'float32', linearInit(d, this.seeds[1]));
    this.built = true;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return (s as Shape[])[0];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [x, map] = inputs as Tensor[];
      const [n, p, k, c] = x.shape as number[];
      const v = project(x, this.wv.read(), this.heads);
      const dk = v.shape[2]!;
      const attended = map.reshape([n * c * this.heads, p, p]).matMul(v);
      // [N*C*h, P, dk] -> [N*C, P, h*dk] -> fc -> [N, C, P, K] -> [N, P, K, C]
      const merged = attended.reshape([n * c, this.heads, p, dk]).transpose([0, 2, 1, 3]).reshape([n * c * p, this.heads * dk]);
      return merged.matMul(this.fc.read()).reshape([n, c, p, k]).transpose([0, 2, 3, 1]);
    });
  }
  macs(inputs: Shape[]): number {
    const [, p, k, c] = inputs[0] as number[];
    const d = this.heads * this.chunk * this.heads;
    return c * p * k * d + c * this.heads * p * p * (d / this.heads) + c * p * d * k;
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), chunk: this.chunk, heads: this.heads, seeds: this.seeds };
  }
}

for (const cls of [StdNormalize, PadToValid, CropRescale, Glu, GateMultiply, ChannelMaxMean, Unfold, Fold, ChunkAttentionMap, ChunkAttentionApply]) {
  tf.serialization.registerClass(cls as unknown as Parameters<typeof tf.serialization.registerClass>[0]);
}
