// EFDN: Wang, "Edge-enhanced Feature Distillation Network for Efficient Super-Resolution", CVPR-W 2022
// (NTIRE 2022 efficient SR). Structure read from the authors' inference code (icandle/EFDN 3e7c7b4,
// models/EFDN_deploy.py and models/unitv2.py; no training code was released):
//   head 3x3 (3 -> C)
//   4 cells: conv1x1+PReLU -> EDBB+PReLU -> EDBB+PReLU; four 1x1 branches (C -> C/2) of the cell input
//            and the three outputs, concatenated, fused by a 1x1 (2C -> C), ESA attention, + cell input
//   local fusion: f2 = fuse0[c1, c2], c3 = cell2(f2), f3 = fuse1[c2, c3], c4 = cell3(f3),
//            f4 = fuse2[c2, c4] (the released code pairs c2 with c4, not c3; kept), body = f4 + head
//   tail: 3x3 (C -> 3 s²) and pixel shuffle x s.
// ESA (enhanced spatial attention, from RFDN): f = C/4; 1x1 -> 3x3 stride 2 (no padding) -> max-pool 7
// stride 3 -> 3x3+ReLU -> 3x3+ReLU -> 3x3 -> bilinear back to the input size, plus a 1x1 of the first
// 1x1's output, 1x1 (f -> C), sigmoid, times the input.
//
// Choices: the input is [0, 1] RGB with no mean shift, as released; the output is NOT clamped (the
// released inference code clamps to [0, 1]; a clamp stops the gradient of out-of-range pixels in
// training, and evaluation clips anyway); initialisation is PyTorch's default (PReLU 0.25). With
// `deploy: true` every EDBB is a plain 3x3 conv of the same name; `reparameterize` (../../reparam.ts)
// folds a trained model into it. The ESA needs LR inputs of at least 15 x 15 pixels.
//
// Layer names (tap names): 'head', 'cell{i}' (cell output after its skip add), 'cell{i}.conv1',
// 'cell{i}.edbb{1,2}' (conv, before its PReLU 'cell{i}.edbb{j}.act'), 'cell{i}.fuse', 'cell{i}.esa',
// 'fuse{0,1,2}' (local fusion 1x1 outputs), 'body' (trunk after the global skip), 'tail.conv' (channels in
// DepthToSpace order, see upsampler.ts), 'tail'.
import { z } from 'zod';
import { tf, type Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { EDBB } from '../../layers/edbb';
import { ResizeLike } from '../../layers/resize-like';
import { conv2dLayer } from '../../layers/relu-conv';
import { torchConvInit } from '../../init';
import { applyLayer, conv2d } from './common';
import { convAndShuffle } from './upsampler';

export const efdnSchema = z
  .object({
    scale: z.union([z.literal(2), z.literal(3), z.literal(4)]),
    channels: z.number().int().min(4).multipleOf(4),
    /** Folded (deployment) form: each EDBB is one 3x3 conv. */
    deploy: z.boolean().default(false),
  })
  .strict();

export type EfdnOptions = z.output<typeof efdnSchema>;

function prelu(name: string, x: SymbolicTensor): SymbolicTensor {
  return applyLayer(tf.layers.prelu({ name, sharedAxes: [1, 2], alphaInitializer: tf.initializers.constant({ value: 0.25 }) }), x);
}

function conv(rng: Rng, name: string, cin: number, cout: number, k: number, opts: { strides?: number; padding?: 'same' | 'valid'; activation?: 'relu' | 'sigmoid' } = {}) {
  return conv2dLayer({ name, filters: cout, kernelSize: k, strides: opts.strides ?? 1, padding: opts.padding ?? 'same', activation: opts.activation, useBias: true, ...torchConvInit(rng, cin, k) });
}

function esa(x: SymbolicTensor, name: string, c: number, rng: Rng): SymbolicTensor {
  const f = c / 4;
  const c1 = applyLayer(conv(rng, `${name}.conv1`, c, f, 1), x);
  let y = applyLayer(conv(rng, `${name}.conv2`, f, f, 3, { strides: 2, padding: 'valid' }), c1);
  y = applyLayer(tf.layers.maxPooling2d({ name: `${name}.pool`, poolSize: 7, strides: 3, padding: 'valid' }), y);
  y = applyLayer(conv(rng, `${name}.conv_max`, f, f, 3, { activation: 'relu' }), y);
  y = applyLayer(conv(rng, `${name}.conv3`, f, f, 3, { activation: 'relu' }), y);
  y = applyLayer(conv(rng, `${name}.conv3_`, f, f, 3), y);
  y = applyLayer(new ResizeLike({ name: `${name}.up` }), [y, x]);
  const cf = applyLayer(conv(rng, `${name}.conv_f`, f, f, 1), c1);
  const m = applyLayer(conv(rng, `${name}.conv4`, f, c, 1, { activation: 'sigmoid' }), applyLayer(tf.layers.add({ name: `${name}.sum` }), [y, cf]));
  return applyLayer(tf.layers.multiply({ name }), [x, m]);
}

function edbbOrConv(rng: Rng, name: string, c: number, deploy: boolean): { apply(x: SymbolicTensor): unknown } {
  return deploy ? conv2d(rng, name, c, c, 3) : new EDBB({ name, filters: c, seed: rng.seed() });
}

function cell(x: SymbolicTensor, i: number, o: EfdnOptions, rng: Rng): SymbolicTensor {
  const n = `cell${i}`;
  const c = o.channels;
  const out1 = prelu(`${n}.conv1.act`, applyLayer(conv(rng, `${n}.conv1`, c, c, 1), x));
  const out2 = prelu(`${n}.edbb1.act`, applyLayer(edbbOrConv(rng, `${n}.edbb1`, c, o.deploy), out1));
  const out3 = prelu(`${n}.edbb2.act`, applyLayer(edbbOrConv(rng, `${n}.edbb2`, c, o.deploy), out2));
  const branches = [x, out1, out2, out3].map((t, k) => applyLayer(conv(rng, `${n}.branch${k}`, c, c / 2, 1), t));
  const fused = applyLayer(conv(rng, `${n}.fuse`, 2 * c, c, 1), applyLayer(tf.layers.concatenate({ name: `${n}.concat`, axis: -1 }), branches));
  return applyLayer(tf.layers.add({ name: n }), [esa(fused, `${n}.esa`, c, rng), x]);
}

export function buildEfdn(o: EfdnOptions, rng: Rng): LayersModel {
  const c = o.channels;
  const input = tf.input({ shape: [null, null, 3], name: 'lr' });
  const head = applyLayer(conv(rng, 'head', 3, c, 3), input);
  const fuse = (k: number, a: SymbolicTensor, b: SymbolicTensor) =>
    applyLayer(conv(rng, `fuse${k}`, 2 * c, c, 1), applyLayer(tf.layers.concatenate({ name: `fuse${k}.concat`, axis: -1 }), [a, b]));
  const c1 = cell(head, 0, o, rng);
  const c2 = cell(c1, 1, o, rng);
  const f2 = fuse(0, c1, c2);
  const c3 = cell(f2, 2, o, rng);
  const f3 = fuse(1, c2, c3);
  const c4 = cell(f3, 3, o, rng);
  const f4 = fuse(2, c2, c4);
  const body = applyLayer(tf.layers.add({ name: 'body' }), [f4, head]);
  // 'tail.conv' + 'tail' as one conv + tf.depthToSpace (upsampler.ts); its weights stay in PyTorch order.
  const tailArgs = { name: 'tail.conv', filters: 3 * o.scale * o.scale, kernelSize: 3, strides: 1, padding: 'same' as const, useBias: true, ...torchConvInit(rng, c, 3) };
  return tf.model({ inputs: input, outputs: convAndShuffle(body, tailArgs, o.scale, 'tail'), name: 'efdn' });
}

registerBackbone('efdn', efdnSchema, buildEfdn);
registerPreset('efdn-paper', 'efdn', { channels: 48 }, 'EFDN (Wang, NTIRE 2022): 48 channels, 4 cells with EDBB and ESA (276k parameters deployed at x4)');
