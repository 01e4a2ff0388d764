// DCS-RISR (Qiao et al., "DCS-RISR: Dynamic Channel Splitting for Efficient Real-world Image
// Super-Resolution", arXiv 2212.07613). No code released: source level abstract-only. The
// abstract names the parts; every size, layer and wiring below is kdlab's choice:
//   - light degradation-prediction network (DPN) on the LR image:
//       conv3x3(3 -> Fd) LReLU, conv3x3 stride 2 (Fd -> Fd) LReLU, conv3x3 stride 2 (Fd -> Fd) LReLU,
//       global average pool, Linear(Fd -> D) sigmoid  -> d̂ ∈ [0, 1]^D ('dpn'), regressed onto the
//       training sampler's degradation vector (loss dcs-degradation-l1; no stop-gradient, the SR
//       loss also reaches the DPN through the split);
//   - channel-splitting vector: Linear(D -> B) sigmoid -> α ∈ [0, 1]^B ('dcs.split'), one
//       low-frequency fraction per block and per image ("choose" = a continuous α with a linearly
//       shared boundary channel, octave-conv.ts; differentiable, discrete when α·C is an integer);
//   - SR net (EDSR-like, LReLU 0.1): sub_mean, head conv, B x [OctaveConv(α_b) LReLU OctaveConv(α_b)
//       + skip], conv, global skip, upsampler (conv + PixelShuffle), tail conv, add_mean;
//   - `split: fixed`: the same SR net with α_b = fixedLowFraction for every image and no DPN
//       (the ablation row; its FLOPs are exact, its params the SR net's).
// The non-local regulariser (libs/kd dcs-nonlocal) and the FLOPs budget (dcs-flops) are training
// losses on the taps 'sr.body' and 'dcs.split': nothing of them runs at inference.
//
// Layer names: 'dpn.conv{1,2,3}', 'dpn.pool', 'dpn' (d̂), 'dcs.split' (α [N, B]), 'sub_mean',
// 'sr.head', 'sr.block{i}.oct{1,2}', 'sr.block{i}' (after its skip), 'sr.body.conv', 'sr.body',
// 'upsample.conv{k}', 'upsample', 'sr.tail', 'add_mean'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor, Tensor } from '@kdlab/engine';
import { registerBackbone } from '../../backbone';
import { countFlops } from '../../count';
import type { ConfigDict, LayerArgs, Shape } from '../../layers/types';
import { addMean, applyLayer, conv2d, srOptions, subMean } from '../sr/common';
import { upsampler } from '../sr/upsampler';
import { linear } from './kd-ide';
import { OctaveConv } from './octave-conv';
import { torchConvInit } from '../../init';

export const dcsRisrSchema = z
  .object({
    ...srOptions,
    /** Works on [0, 1] images, as KDSR (kdlab's choice). */
    rgbRange: srOptions.rgbRange.default(1),
    channels: z.number().int().min(1),
    blocks: z.number().int().min(1),
    /** Width of the degradation-prediction network. */
    dpnChannels: z.number().int().min(1).default(16),
    /** D: length of the degradation vector (the task's degradationVectorLength: 11 for realesrgan). */
    degradationDim: z.number().int().min(1),
    split: z.enum(['dynamic', 'fixed']).default('dynamic'),
    /** α of every block when split is fixed (OctConv's usual 0.5). */
    fixedLowFraction: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export type DcsRisrOptions = z.output<typeof dcsRisrSchema>;

/** The fixed split: α for every image ([N, blocks] from the input's batch). */
export class ConstantSplit extends tf.layers.Layer {
  static className = 'ConstantSplit';
  readonly values: number[];
  constructor(args: LayerArgs & { values: number[] }) {
    super(args);
    this.values = args.values;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [(inputShape as Shape)[0], this.values.length];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.ones([x.shape[0], 1]).mul(tf.tensor2d([this.values])));
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), values: this.values };
  }
}
tf.serialization.registerClass(ConstantSplit);

const lrelu = (name: string) => tf.layers.leakyReLU({ name, alpha: 0.1 });

function dpn(lr: SymbolicTensor, o: DcsRisrOptions, rng: Rng): SymbolicTensor {
  const Fd = o.dpnChannels;
  let x = lr;
  [1, 2, 2].forEach((stride, i) => {
    const name = `dpn.conv${i + 1}`;
    x = applyLayer(tf.layers.conv2d({ name, filters: Fd, kernelSize: 3, strides: stride, padding: 'same', ...torchConvInit(rng, i === 0 ? 3 : Fd, 3) }), x);
    x = applyLayer(lrelu(`${name}.act`), x);
  });
  x = applyLayer(tf.layers.globalAveragePooling2d({ name: 'dpn.pool' }), x);
  x = applyLayer(linear(rng, 'dpn.fc', Fd, o.degradationDim), x);
  return applyLayer(tf.layers.activation({ name: 'dpn', activation: 'sigmoid' }), x);
}

function octBlock(x: SymbolicTensor, split: SymbolicTensor, i: number, o: DcsRisrOptions, rng: Rng): SymbolicTensor {
  const name = `sr.block${i}`;
  const flopsLowFraction = o.split === 'fixed' ? o.fixedLowFraction : 0;
  const oct = (n: string) => new OctaveConv({ name: `${name}.${n}`, filters: o.channels, kernelSize: 3, splitIndex: i, flopsLowFraction, seed: rng.seed() });
  let y = applyLayer(oct('oct1'), [x, split]);
  y = applyLayer(lrelu(`${name}.act`), y);
  y = applyLayer(oct('oct2'), [y, split]);
  return applyLayer(tf.layers.add({ name }), [y, x]);
}

export function buildDcsRisr(o: DcsRisrOptions, rng: Rng): LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: 'lr' });
  let split: SymbolicTensor;
  if (o.split === 'dynamic') {
    const d = dpn(input, o, rng.fork());
    const logits = applyLayer(linear(rng, 'dcs.split.fc', o.degradationDim, o.blocks), d);
    split = applyLayer(tf.layers.activation({ name: 'dcs.split', activation: 'sigmoid' }), logits);
  } else {
    split = applyLayer(new ConstantSplit({ name: 'dcs.split', values: Array.from({ length: o.blocks }, () => o.fixedLowFraction) }), input);
  }
  const F = o.channels;
  const head = applyLayer(conv2d(rng, 'sr.head', 3, F), subMean(input, o.rgbRange, o.rgbMean));
  let x = head;
  for (let i = 0; i < o.blocks; i++) x = octBlock(x, split, i, o, rng);
  x = applyLayer(conv2d(rng, 'sr.body.conv', F, F), x);
  const body = applyLayer(tf.layers.add({ name: 'sr.body' }), [x, head]);
  const tail = applyLayer(conv2d(rng, 'sr.tail', F, 3), upsampler(body, o.scale, F, rng));
  return tf.model({ inputs: input, outputs: addMean(tail, o.rgbRange, o.rgbMean), name: `dcs_risr_${o.split}` });
}

registerBackbone('dcs-risr', dcsRisrSchema, buildDcsRisr);

const octaveLayers = (model: LayersModel) => model.layers.filter((l): l is OctaveConv => l instanceof OctaveConv);

/** Whether the model chooses its split per image (a 'dcs.split' layer fed by the DPN). */
export function hasDynamicSplit(model: LayersModel): boolean {
  return octaveLayers(model).length > 0 && !model.layers.some((l) => l instanceof ConstantSplit);
}

/** FLOPs (2 x MACs) at `inputHw` when block b runs at low-frequency fraction alphas[b]. */
export function countFlopsAtSplit(model: LayersModel, alphas: readonly number[], inputHw: [number, number]): number {
  const layers = octaveLayers(model);
  const saved = layers.map((l) => l.flopsLowFraction);
  try {
    for (const l of layers) {
      if (l.splitIndex >= alphas.length) throw new Error(`countFlopsAtSplit: layer ${l.name} reads split ${l.splitIndex}, only ${alphas.length} values given`);
      l.flopsLowFraction = alphas[l.splitIndex];
    }
    return countFlops(model, inputHw);
  } finally {
    layers.forEach((l, i) => (l.flopsLowFraction = saved[i]));
  }
}
