// Siamese trackers for visual object tracking (not MLflow tracking): SiamFC and SiamRPN
// on an AlexNet-style embedding, and a cohort of several such trackers in one model
// for students that train together.
//
// The runner trains a model with one input tensor, so a training pair is packed into
// one input [N, S, S, 6]: channels 0-2 the search crop (S x S), channels 3-5 the
// exemplar crop (E x E) in the top-left corner, zero elsewhere. The model slices the
// two crops apart and runs ONE embedding (shared layers) on both: exactly a Siamese
// network, with no cost for the padding beyond the slice.
//
//   'search' / 'exemplar'       the two crops
//   'backbone.conv{i}' ...      the shared embedding (AlexNet-style, see GEOMETRIES)
//   'search_embed', 'exemplar_embed'   the embeddings (FitNet taps; 'search_embed' is the hint)
//   siamfc:  'xcorr'            correlation + learned affine -> response [N, R, R, 1]
//   siamrpn: 'cls_z', 'reg_z' (template adjust, C -> 2K*Ch, 4K*Ch), 'cls_x', 'reg_x' (C -> Ch),
//            'xcorr_cls' -> [N,R,R,2K], 'xcorr_reg' -> 'reg_adjust' (1x1) -> [N,R,R,4K]
//   'response'                  the output: siamfc [N,R,R,1]; siamrpn [N,R,R,2K+4K]
//                               (anchor k: logits (bg, fg) at channels 2k, 2k+1; box deltas
//                               (dx, dy, dw, dh) at 2K+4k .. 2K+4k+3)
// A cohort ('siamese-cohort') holds P members under the prefixes 'm{p}.' and outputs the
// members' responses concatenated on channels ('response'); each member's own output is
// the tap 'm{p}.response'.
//
// At tracking time the template branch runs once per sequence: siameseParts() returns the
// embedding and head of one member as functions over concrete tensors (the same layers,
// no copy of the weights).
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor, Tensor, Tensor4D } from '@kdlab/engine';
import { registerBackbone } from '../../backbone';
import { torchConvInit } from '../../init';
import { batchNorm } from '../../layers/batch-norm';
import { parseOptions } from '../../registry';
import { ChannelSlice } from '../classification/channel-slice';
import { XCorr, xcorrShared } from './xcorr';

/**
 * Stem geometries. 'alexnet' is SiamFC/SiamRPN's AlexNet (conv1 11x11/2, pool 3/2, conv2 5x5,
 * pool 3/2, three 3x3 convs; total stride 8; 127 -> 6x6 and 255 -> 22x22 embeddings).
 * 'alexnet-s4' drops the second pool and uses a 7x7 conv1 (total stride 4), for half-size
 * crops (63 -> 4x4, 127 -> 20x20) in CPU quick profiles: the same response size (17x17).
 */
const GEOMETRIES = {
  alexnet: { conv1: 11, pools: [true, true], stride: 8 },
  'alexnet-s4': { conv1: 7, pools: [true, false], stride: 4 },
} as const;

export type SiameseGeometry = keyof typeof GEOMETRIES;

const memberOptions = {
  head: z.enum(['siamfc', 'siamrpn']),
  geometry: z.enum(['alexnet', 'alexnet-s4']).default('alexnet'),
  /**
   * Output channels of conv1..conv5 (5 values, AlexNet: 96, 256, 384, 384, 256), or 4 values
   * for a shallower net whose third conv is one 5x5 in place of two 3x3 (same output size).
   */
  widths: z.array(z.number().int().positive()).min(4).max(5).default([96, 256, 384, 384, 256]),
  /** SiamRPN head width Ch (256 in SiamRPN). */
  headWidth: z.number().int().positive().default(256),
  /** SiamRPN anchors per position K. */
  anchors: z.number().int().positive().default(5),
  /** Multiplies every width (and headWidth), rounded: one knob for CPU-sized profiles. */
  widthScale: z.number().positive().max(4).default(1),
};

const sizes = {
  exemplar: z.number().int().positive().default(127),
  search: z.number().int().positive().default(255),
};

export const siameseSchema = z.object({ ...memberOptions, ...sizes }).strict();
export type SiameseOptions = z.output<typeof siameseSchema>;

const memberSchema = z.object(memberOptions).strict();

export const siameseCohortSchema = z
  .object({
    ...sizes,
    /** Defaults for every member (a member's own value wins). */
    geometry: memberOptions.geometry.optional(),
    widthScale: z.number().positive().max(4).optional(),
    members: z.array(z.object({ arch: z.literal('siamese') }).passthrough()).min(2),
  })
  .strict();

const apply = (layer: { apply(x: SymbolicTensor | SymbolicTensor[]): unknown }, x: SymbolicTensor | SymbolicTensor[]) => layer.apply(x) as SymbolicTensor;

function conv(rng: Rng, name: string, filters: number, kernelSize: number, strides = 1) {
  // He-normal (fan-out) kernels and zero biases, as the PyTorch SiamFC/SiamRPN ports initialise.
  return tf.layers.conv2d({
    name,
    filters,
    kernelSize,
    strides,
    padding: 'valid',
    kernelInitializer: tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: rng.seed() }),
    biasInitializer: 'zeros',
  });
}

/** The embedding's layers in order (applied to both crops). */
function backboneLayers(o: z.output<typeof memberSchema>, p: string, rng: Rng) {
  const g = GEOMETRIES[o.geometry];
  const w = o.widths.map((c) => Math.max(1, Math.round(c * o.widthScale)));
  const kernels = w.length === 5 ? [g.conv1, 5, 3, 3, 3] : [g.conv1, 5, 5, 3];
  const layers: { apply(x: SymbolicTensor): unknown }[] = [];
  kernels.forEach((k, i) => {
    const last = i === kernels.length - 1;
    layers.push(conv(rng, `${p}backbone.conv${i + 1}`, w[i], k, i === 0 ? 2 : 1));
    if (!last) {
      layers.push(batchNorm({ name: `${p}backbone.bn${i + 1}`, momentum: 0.9, epsilon: 1e-5 }));
      layers.push(tf.layers.reLU({ name: `${p}backbone.relu${i + 1}` }));
    }
    if (i < 2 && g.pools[i]) layers.push(tf.layers.maxPooling2d({ name: `${p}backbone.pool${i + 1}`, poolSize: 3, strides: 2, padding: 'valid' }));
  });
  return layers;
}

/** One tracker on the packed input; returns its response tensor (named `${p}response`). */
function siameseMember(packed: SymbolicTensor, o: z.output<typeof memberSchema>, e: number, rng: Rng, p: string): SymbolicTensor {
  const s = packed.shape[1] as number;
  const search = apply(new ChannelSlice({ name: `${p}search`, start: 0, size: 3 }), packed);
  const exemplarFull = apply(new ChannelSlice({ name: `${p}exemplar.full`, start: 3, size: 3 }), packed);
  const exemplar = apply(tf.layers.cropping2D({ name: `${p}exemplar`, cropping: [[0, s - e], [0, s - e]] }), exemplarFull);
  const layers = backboneLayers(o, p, rng);
  const embed = (x: SymbolicTensor) => layers.reduce((t, l) => apply(l, t), x);
  const xf = apply(tf.layers.activation({ name: `${p}search_embed`, activation: 'linear' }), embed(search));
  const zf = apply(tf.layers.activation({ name: `${p}exemplar_embed`, activation: 'linear' }), embed(exemplar));
  const c = Math.max(1, Math.round(o.widths[o.widths.length - 1] * o.widthScale));
  let out: SymbolicTensor;
  if (o.head === 'siamfc') {
    out = apply(new XCorr({ name: `${p}xcorr`, outChannels: 1, affine: true }), [zf, xf]);
  } else {
    const k = o.anchors;
    const ch = Math.max(1, Math.round(o.headWidth * o.widthScale));
    const headConv = (name: string, filters: number, kernel: number, inCh: number) =>
      tf.layers.conv2d({ name: `${p}${name}`, filters, kernelSize: kernel, padding: 'valid', ...torchConvInit(rng, inCh, kernel) });
    const clsZ = apply(headConv('cls_z', 2 * k * ch, 3, c), zf);
    const regZ = apply(headConv('reg_z', 4 * k * ch, 3, c), zf);
    const clsX = apply(headConv('cls_x', ch, 3, c), xf);
    const regX = apply(headConv('reg_x', ch, 3, c), xf);
    const cls = apply(new XCorr({ name: `${p}xcorr_cls`, outChannels: 2 * k }), [clsZ, clsX]);
    const reg = apply(headConv('reg_adjust', 4 * k, 1, 4 * k), apply(new XCorr({ name: `${p}xcorr_reg`, outChannels: 4 * k }), [regZ, regX]));
    out = apply(tf.layers.concatenate({ name: `${p}rpn`, axis: -1 }), [cls, reg]);
  }
  return apply(tf.layers.activation({ name: `${p}response`, activation: 'linear' }), out);
}

function packedInput(o: { exemplar: number; search: number }): SymbolicTensor {
  if (o.exemplar > o.search) throw new Error(`siamese: exemplar ${o.exemplar} must not exceed search ${o.search}`);
  return tf.input({ shape: [o.search, o.search, 6], name: 'pair' });
}

export function buildSiamese(o: SiameseOptions, rng: Rng): LayersModel {
  const input = packedInput(o);
  const out = siameseMember(input, o, o.exemplar, rng, '');
  return tf.model({ inputs: input, outputs: out, name: `${o.head}-${o.widths.join('-')}` });
}

export function buildSiameseCohort(o: z.output<typeof siameseCohortSchema>, rng: Rng): LayersModel {
  const input = packedInput(o);
  const outs = o.members.map((spec, p) => {
    const { arch: _arch, ...rest } = spec;
    const defaults = { ...(o.geometry ? { geometry: o.geometry } : {}), ...(o.widthScale ? { widthScale: o.widthScale } : {}) };
    const m = parseOptions(memberSchema, { ...defaults, ...rest }, `siamese-cohort: member ${p}`);
    return siameseMember(input, m, o.exemplar, rng.fork(), `m${p}.`);
  });
  const heads = new Set(o.members.map((m) => m.head));
  if (heads.size > 1) throw new Error(`siamese-cohort: members mix heads (${[...heads].join(', ')}); a cohort trains one kind of tracker`);
  const out = apply(tf.layers.concatenate({ name: 'response', axis: -1 }), outs);
  return tf.model({ inputs: input, outputs: out, name: `cohort${o.members.length}` });
}

registerBackbone('siamese', siameseSchema, buildSiamese);
registerBackbone('siamese-cohort', siameseCohortSchema, buildSiameseCohort);

/** One tracker of a model (a single Siamese model: prefix ''; a cohort member p: 'm{p}.'). */
export interface SiameseParts {
  head: 'siamfc' | 'siamrpn';
  /** Anchors per position (siamrpn), 1 for siamfc. */
  anchors: number;
  /** Total stride of the embedding in pixels of the crop. */
  stride: number;
  /** Weights (count) of this tracker alone. */
  params: number;
  /** The embedding of crops [B, h, w, 3] (inference mode). */
  embed(x: Tensor4D): Tensor4D;
  /** The template tensors of one exemplar embedding [1, h, w, C] (siamfc: the embedding; siamrpn: cls and reg kernels). */
  template(zf: Tensor4D): Tensor4D[];
  /** Responses of search embeddings [B, H, W, C] against one template: siamfc [B,R,R,1]; siamrpn [B,R,R,2K+4K]. */
  respond(template: Tensor4D[], xf: Tensor4D): Tensor4D;
}

export function siamesePrefixes(model: LayersModel): string[] {
  const names = new Set(model.layers.map((l) => l.name));
  if (names.has('search_embed')) return [''];
  const prefixes: string[] = [];
  for (let p = 0; names.has(`m${p}.search_embed`); p++) prefixes.push(`m${p}.`);
  if (prefixes.length === 0) throw new Error(`model '${model.name}' is not a Siamese tracker (no 'search_embed' layer)`);
  return prefixes;
}

export function siameseParts(model: LayersModel, prefix = ''): SiameseParts {
  const layer = (name: string) => {
    try {
      return model.getLayer(`${prefix}${name}`);
    } catch {
      throw new Error(`model '${model.name}' has no layer '${prefix}${name}' (a Siamese tracker built by 'siamese' / 'siamese-cohort'?)`);
    }
  };
  const backbone = model.layers.filter((l) => l.name.startsWith(`${prefix}backbone.`));
  const own = model.layers.filter((l) => l.name.startsWith(prefix));
  const params = own.reduce((n, l) => n + l.weights.reduce((a, w) => a + w.shape.reduce((x: number, y) => x * (y ?? 1), 1), 0), 0);
  const run = (l: ReturnType<typeof layer>, x: Tensor | Tensor[]) => l.apply(x, { training: false }) as Tensor4D;
  const strides = backbone.reduce((s, l) => s * (((l.getConfig() as { strides?: number[] }).strides ?? [1])[0] ?? 1), 1);
  const embed = (x: Tensor4D) => tf.tidy(() => backbone.reduce<Tensor4D>((t, l) => run(l, t), x));
  const isFc = model.layers.some((l) => l.name === `${prefix}xcorr`);
  if (isFc) {
    const xc = layer('xcorr') as XCorr;
    const [scale, bias] = xc.getWeights();
    return {
      head: 'siamfc',
      anchors: 1,
      stride: strides,
      params,
      embed,
      template: (zf) => [tf.clone(zf)],
      respond: ([zf], xf) => tf.tidy(() => xcorrShared(zf, xf, 1).mul(scale).add(bias) as Tensor4D),
    };
  }
  const k = (layer('xcorr_cls') as XCorr).outChannels / 2;
  return {
    head: 'siamrpn',
    anchors: k,
    stride: strides,
    params,
    embed,
    template: (zf) => tf.tidy(() => [run(layer('cls_z'), zf), run(layer('reg_z'), zf)]),
    respond: ([clsZ, regZ], xf) =>
      tf.tidy(() => {
        const cls = xcorrShared(clsZ, run(layer('cls_x'), xf), 2 * k);
        const reg = run(layer('reg_adjust'), xcorrShared(regZ, run(layer('reg_x'), xf), 4 * k));
        return tf.concat([cls, reg], -1);
      }),
  };
}
