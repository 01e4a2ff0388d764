// MRDA's meta-learning network (MLN) and its per-degradation adaptation (Xia et al.,
// "Meta-Learning based Degradation Representation for Blind Super-Resolution", TIP 2023;
// released code Zj-BinXia/MRDA at commit 36f9c65, model_meta/blindsr.py,
// model_meta_stage3/blindsr.py, trainer_stage2.py / stage3.py / stage4.py; read, not copied).
//
// MLN (functional, weights passed in, as the released MAML forward takes a weight dict):
//   head conv(3 -> Fm) LReLU, 6 x (conv Fm -> Fm, LReLU)   -> the features the DEN reads
//   Upsampler (conv Fm -> 4Fm, PixelShuffle 2; twice at x4, no activation), conv(Fm -> 3)
//   + bicubic(LR) (the released `lr_bic`, the LR upscaled by the MATLAB-style bicubic).
// LReLU slope 0.1; all convs 3x3 with bias, zero padding 1.
//
// Adaptation (the released stage 3/4 trainers, `test_iter` 5): per degradation, a copy of the
// MLN takes plain SGD steps on L1(MLN(LR) + bicubic(LR), HR) with step sizes 1e-2, then 5e-3
// (steps 1-4), then 1e-3; the features of the adapted copy are the degradation evidence. The
// released trainer degrades a whole batch with ONE kernel and adapts once per batch; our
// stream gives every patch its own kernel, so we adapt once per image.
//
// Meta-gradient: FIRST-ORDER MAML, as the released stage 2 (torch.autograd.grad without
// create_graph, so the inner gradients are constants and the meta-gradient is the gradient of
// the support loss at the adapted weights). Second order is not available here anyway: TF.js
// has no gradient for Conv2DBackpropFilter (tested in mrda.test.ts).
import { tf, Rng } from '@kdlab/engine';
import type { Scalar, Tensor, Tensor4D } from '@kdlab/engine';
import { torchBiasInit, torchKernelInit } from '../../init';
import { shuffledConv } from '../../layers';
import type { ConfigDict, LayerArgs, Shape } from '../../layers/types';
import { upsamplerStages } from '../sr/upsampler';

/** The released inner-loop step sizes of stages 3/4 (`test_iter` steps): 1e-2, then 5e-3 up to step 4, then 1e-3. */
export function releasedInnerLrs(steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => (i === 0 ? 1e-2 : i < 5 ? 5e-3 : 1e-3));
}

export interface MlnShape {
  name: string;
  shape: number[];
}

/** Weight names and shapes of the MLN, in the order mlnForward reads them (kernel then bias per conv). */
export function mlnWeightShapes(channels: number, scale: number): MlnShape[] {
  const convs: [string, number, number][] = [['head', 3, channels]];
  for (let i = 0; i < 6; i++) convs.push([`body${i}`, channels, channels]);
  upsamplerStages(scale).forEach((r, k) => convs.push([`up${k}`, channels, r * r * channels]));
  convs.push(['tail', channels, 3]);
  return convs.flatMap(([n, cin, cout]) => [
    { name: `${n}.kernel`, shape: [3, 3, cin, cout] },
    { name: `${n}.bias`, shape: [cout] },
  ]);
}

const lrelu = (x: Tensor) => tf.leakyRelu(x, 0.1);

/**
 * 3x3 'same' conv + bias. Shared weights (kernel [3,3,Cin,Cout]): tf.conv2d. Per-image weights
 * (kernel [N,3,3,Cin,Cout], bias [N,Cout], one set per image of the batch): im2col (9 shifted
 * slices, (i, j, cin) order as the kernel's layout) and a batched matMul, so a whole batch adapts
 * in one pass instead of one image at a time.
 */
function conv(x: Tensor, k: Tensor, b: Tensor): Tensor {
  if (k.rank === 4) return tf.conv2d(x as Tensor4D, k as Tensor4D, 1, 'same').add(b);
  const [n, h, w, cin] = x.shape as number[];
  const cout = k.shape[4]!;
  if (n === 1) return tf.conv2d(x as Tensor4D, k.reshape([3, 3, cin, cout]) as Tensor4D, 1, 'same').add(b.reshape([cout]));
  const padded = x.pad([[0, 0], [1, 1], [1, 1], [0, 0]]);
  const cols: Tensor[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cols.push(padded.slice([0, i, j, 0], [n, h, w, cin]));
  const patches = tf.concat(cols, 3).reshape([n, h * w, 9 * cin]);
  return tf.matMul(patches, k.reshape([n, 9 * cin, cout])).reshape([n, h, w, cout]).add(b.reshape([n, 1, 1, cout]));
}

/**
 * MLN forward on explicit weights: the SR image and the body features (the DEN's input). Weights
 * shared by the batch (mlnWeightShapes), or one set per image (a leading batch axis on each).
 */
export function mlnForward(lr: Tensor, bicubic: Tensor, w: Tensor[], scale: number): { sr: Tensor; features: Tensor } {
  let i = 0;
  const next = () => [w[i++], w[i++]] as const;
  let x = lrelu(conv(lr, ...next()));
  for (let b = 0; b < 6; b++) x = lrelu(conv(x, ...next()));
  const features = x;
  // Upsampler weights stay in PyTorch order; shuffledConv permutes them so the shuffle is one tf.depthToSpace.
  for (const r of upsamplerStages(scale)) {
    const y = x;
    x = shuffledConv((k, b) => conv(y, k, b), [...next()], r);
  }
  return { sr: conv(x, ...next()).add(bicubic), features };
}

/** MATLAB imresize(x, s, 'bicubic') for an integer up-scale (no antialiasing at up-scaling; edge pixels replicated), NHWC. */
export function bicubicUpsample(x: Tensor, s: number): Tensor {
  const cubic = (t: number) => {
    const a = Math.abs(t);
    return a <= 1 ? 1.5 * a ** 3 - 2.5 * a ** 2 + 1 : a < 2 ? -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2 : 0;
  };
  // Output pixel m·s + p sits at input coordinate m + (p + 0.5)/s - 0.5; it reads inputs m-2 .. m+2.
  const taps = Array.from({ length: s }, (_, p) => {
    const w = [-2, -1, 0, 1, 2].map((j) => cubic((p + 0.5) / s - 0.5 - j));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / sum);
  });
  const along = (t: Tensor, axis: 1 | 2): Tensor => {
    const n = t.shape[axis]!;
    const edge = (at: number) => t.slice(axis === 1 ? [0, at, 0, 0] : [0, 0, at, 0], axis === 1 ? [-1, 1, -1, -1] : [-1, -1, 1, -1]);
    const padded = tf.concat([edge(0), edge(0), t, edge(n - 1), edge(n - 1)], axis);
    const phases = taps.map((w) =>
      w.reduce<Tensor>((acc, v, k) => acc.add(padded.slice(axis === 1 ? [0, k, 0, 0] : [0, 0, k, 0], axis === 1 ? [-1, n, -1, -1] : [-1, -1, n, -1]).mul(v)), tf.zerosLike(t)),
    );
    // [N, n, (s), W, C] -> interleave the phases along the axis
    const stacked = tf.stack(phases, axis + 1);
    const shape = [...t.shape];
    shape[axis] = n * s;
    return stacked.reshape(shape);
  };
  return tf.tidy(() => along(along(x, 1), 2));
}

export interface Adapted {
  /** Body features of each image's adapted MLN, [N, h, w, Fm] (no gradient path to the weights). */
  features: Tensor;
  /** L1 of each image's adapted MLN, averaged over images (what the inner loop lowered). */
  adaptedLoss: number;
  /** First-order meta-gradient (mean over images of ∇L at the adapted weights), when asked for. */
  metaGradient?: Tensor[];
}

/**
 * Adapts a copy of the MLN weights `w` to each image of the batch (one weight set per image, the whole
 * batch in one pass) by SGD on its L1(MLN(LR) + bicubic(LR), HR),
 * one step per entry of `lrs`. The copies are detached data (so an outer gradient tape never reaches
 * `w` through them): the meta-gradient, when `withMetaGradient`, is first order.
 */
export function adaptMln(lr: Tensor, hr: Tensor, w: Tensor[], scale: number, lrs: number[], withMetaGradient: boolean): Adapted {
  const n = lr.shape[0]!;
  let adaptedLoss = NaN;
  const kept = tf.tidy(() => {
    const bic = bicubicUpsample(lr, scale);
    // Sum over images of each image's L1: its gradient w.r.t. the per-image weights is each image's own gradient.
    const lossAt = (...ws: Tensor[]) => mlnForward(lr, bic, ws, scale).sr.sub(hr).abs().mean([1, 2, 3]).sum() as Scalar;
    // One detached copy of the weights per image.
    let fast = w.map((v) => tf.tensor(v.dataSync(), v.shape, 'float32').expandDims(0).tile([n, ...v.shape.map(() => 1)]));
    for (const step of lrs) {
      const g = tf.grads(lossAt)(fast);
      fast = fast.map((v, k) => v.sub(g[k].mul(step)));
    }
    const { sr, features } = mlnForward(lr, bic, fast, scale);
    adaptedLoss = sr.sub(hr).abs().mean().dataSync()[0];
    return [features, ...(withMetaGradient ? tf.grads(lossAt)(fast).map((g) => g.mean(0)) : [])];
  });
  return { features: kept[0], adaptedLoss, metaGradient: withMetaGradient ? kept.slice(1) : undefined };
}

export interface MlnAdaptArgs extends LayerArgs {
  /** Fm: the MLN width (the released scripts' --n_feats, 128). */
  channels: number;
  scale: number;
  /** Inner SGD step sizes, one per step (releasedInnerLrs(5) in the released stage 3/4). */
  innerLrs: number[];
  /** Seed of the weight initialisers (PyTorch defaults); the Rng is not serialisable. */
  seed?: number;
}

/**
 * Inputs [LR [N,h,w,3], HR [N,sh,sw,3]] -> the adapted MLN's body features [N,h,w,Fm]. Holds the
 * MLN's meta weights. Training (kwargs.training) gives those weights the first-order meta-gradient
 * (through a custom gradient that ignores the features' downstream gradient: the released stage 3
 * detaches `deg_repre`); nothing flows back to the inputs. Frozen (a teacher in a student run) it
 * only adapts. The adapted features differ per call: adaptation runs on each forward pass.
 */
export class MlnAdapt extends tf.layers.Layer {
  static className = 'MlnAdapt';
  readonly channels: number;
  readonly scale: number;
  readonly innerLrs: number[];
  readonly seed: number;
  /** The last batch's post-adaptation L1 (for tests and logs). */
  lastAdaptedLoss = NaN;

  constructor(args: MlnAdaptArgs) {
    super(args);
    if (!Number.isInteger(args.channels) || args.channels < 1) throw new Error(`MlnAdapt ${args.name ?? ''}: channels must be a positive integer, got ${args.channels}`);
    if (!Array.isArray(args.innerLrs) || args.innerLrs.some((v) => !(v >= 0))) throw new Error(`MlnAdapt ${args.name ?? ''}: innerLrs must be non-negative numbers, got ${JSON.stringify(args.innerLrs)}`);
    this.channels = args.channels;
    this.scale = args.scale;
    this.innerLrs = [...args.innerLrs];
    this.seed = args.seed ?? 0;
  }

  override build(): void {
    const rng = new Rng(this.seed);
    for (const { name, shape } of mlnWeightShapes(this.channels, this.scale)) {
      const init = name.endsWith('kernel') ? torchKernelInit(rng) : torchBiasInit(rng, fanInOfBias(name, this.channels));
      this.addWeight(name, shape, 'float32', init, undefined, true);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [lr] = inputShape as Shape[];
    return [lr[0], lr[1], lr[2], this.channels];
  }

  override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
    // Detached copies: the inner loop's gradients depend on the images, and TF.js has no second-order
    // gradient through a conv, so nothing may reach the inputs through them either.
    const [lr, hr] = (inputs as Tensor[]).map((t) => tf.tensor(t.dataSync(), t.shape, 'float32'));
    // `weights` keeps the build order whether the layer is trainable or frozen.
    const w = this.weights.map((v) => v.read());
    const training = Boolean(kwargs?.training) && this.trainable;
    const adapted = adaptMln(lr, hr, w, this.scale, this.innerLrs, training);
    this.lastAdaptedLoss = adapted.adaptedLoss;
    tf.dispose([lr, hr]);
    if (!training) return adapted.features;
    const meta = adapted.metaGradient!;
    // value = the features; gradient: the meta-gradient to each weight, nothing to the features' source.
    const route = tf.customGrad(((...args: unknown[]) => {
      const tensors = args.slice(0, -1) as Tensor[];
      const save = args[args.length - 1] as (t: Tensor[]) => void;
      const [features, ...rest] = tensors;
      const grads = rest.slice(w.length);
      save(grads);
      return {
        value: features.clone(),
        gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.zerosLike(dy), ...saved.map((g) => g.clone()), ...saved.map((g) => tf.zerosLike(g))],
      };
    }) as never) as unknown as (...t: Tensor[]) => Tensor;
    const out = route(adapted.features, ...w, ...meta);
    tf.dispose([adapted.features, ...meta]);
    return out;
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), channels: this.channels, scale: this.scale, innerLrs: this.innerLrs, seed: this.seed };
  }
}

/** PyTorch's bias bound uses the conv's fan-in (in channels x 3 x 3). */
function fanInOfBias(name: string, channels: number): number {
  return (name.startsWith('head') ? 3 : channels) * 9;
}

tf.serialization.registerClass(MlnAdapt);
