// MANNER: Park, Kim, Yoon, Kim, Jung, "MANNER: Multi-view Attention Network for
// Noise Erasure", ICASSP 2022. Structure of the authors' released PyTorch code
// (winddori2002/MANNER, src/models.py, attention.py, conv_modules.py; read, not
// copied): a time-domain U-Net on the raw waveform.
//   std-normalise -> pad to a valid length -> in_conv (k3, BN, ReLU)
//   -> depth x Encoder [down conv (K, stride S, BN, ReLU) -> ResConBlock (x2 channels)
//                       -> multi-view attention block]
//   -> linear (no bias) + ReLU per time step
//   -> depth x Decoder [+ skip -> ResConBlock (/2 channels) -> transposed conv (K, S, BN, ReLU)
//                       -> multi-view attention block]
//   -> mask gate (tanh x sigmoid -> ReLU) times in_conv's output -> out_conv (k3) -> crop -> x std
// Multi-view attention block (channels C, three branches of C/3 after 1x1 BasicConvs):
//   channel view: sigmoid(MLP(maxpool) + MLP(avgpool)) scales the channels;
//   global view: overlapped chunks (K = segment, hop K/2), self-attention across chunks
//     (tokens = chunks, features = the K samples; heads h, dk = K h);
//   local view: per chunk, depthwise conv (31) + BN + Swish, channel max/mean,
//     conv (7) + BN + sigmoid: a per-sample gate;
//   each branch -> BasicConv k3; concat -> 1x1 -> mask gate (tanh x sigmoid -> ReLU conv) + 1x1 shortcut.
// Configurations: base (hidden 60, depth 4, K 8, S 4, growth 2, 1 head, segment 64,
// attention in every encoder/decoder layer) and small (the same with attention only
// in the deepest encoder and decoder layer, the released code's commented MANNER (small)).
// Initialisation: PyTorch defaults, then Demucs' rescale (every conv and transposed conv's
// weight and bias divided by sqrt(std(weight) / 0.1)), as the released model does.
//
// Layout: [N, 1, T, 1] waveform in, [N, 1, T, 1] out (NHWC, time on the width axis).
// Layer names (taps): 'in_conv', 'enc{i}' (encoder i output, i = 0 shallowest),
// 'bottleneck', 'dec{i}' (decoder output at level i, the last applied is dec0), 'mask',
// 'out_conv'; for each attention block B (= 'enc{i}' or 'dec{i}', whose output it is):
//   'B.channel' (the channel view's attended branch [N, 1, T, C/3]),
//   'B.channel.weights' ([N, C/3] sigmoid weights),
//   'B.global.map' (attention over chunks [N, C/3, heads, P, P]),
//   'B.local.map' (the local gate [N, P, K, 1]).
import { z } from 'zod';
import { tf, Rng } from '@kdlab/engine';
import type { LayersModel, SymbolicTensor } from '@kdlab/engine';
import { registerBackbone, registerPreset } from '../../backbone';
import { torchBiasInit, torchKernelInit } from '../../init';
import { batchNorm } from '../../layers/batch-norm';
import { ChannelMaxMean, ChunkAttentionApply, ChunkAttentionMap, CropRescale, Fold, GateMultiply, Glu, PadToValid, StdNormalize, Unfold } from './layers';

export const mannerSchema = z
  .object({
    hidden: z.number().int().min(3),
    depth: z.number().int().min(1),
    kernel: z.number().int().min(1).default(8),
    stride: z.number().int().min(1).default(4),
    growth: z.literal(2).default(2),
    heads: z.number().int().min(1).default(1),
    /** Chunk length K of the global and local views (even). */
    segment: z.number().int().min(2).multipleOf(2).default(64),
    /** 'all' (MANNER base) or 'last' (MANNER small: only the deepest encoder and decoder layer). */
    attention: z.enum(['all', 'last']).default('all'),
  })
  .strict();

export type MannerOptions = z.output<typeof mannerSchema>;

type Sym = SymbolicTensor;
const apply = (layer: { apply(x: Sym | Sym[]): unknown }, x: Sym | Sym[]) => layer.apply(x) as Sym;

class Builder {
  constructor(private readonly rng: Rng) {}

  /** Conv along time: kernel [1, k]; PyTorch default init with fan_in = cin * k (depthwise: k). */
  conv(name: string, cin: number, cout: number, k: number, opts: { bias?: boolean; stride?: number; padding?: 'same' | 'valid'; activation?: 'relu' | 'sigmoid' | 'tanh' } = {}) {
    const bias = opts.bias ?? true;
    return tf.layers.conv2d({
      name, filters: cout, kernelSize: [1, k], strides: [1, opts.stride ?? 1], padding: opts.padding ?? 'same', useBias: bias, activation: opts.activation,
      kernelInitializer: torchKernelInit(this.rng), biasInitializer: bias ? torchBiasInit(this.rng, cin * k) : undefined,
    });
  }

  depthwise(name: string, c: number, k: number) {
    const b = 1 / Math.sqrt(k);
    return tf.layers.depthwiseConv2d({ name, kernelSize: [1, k], padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.randomUniform({ minval: -b, maxval: b, seed: this.rng.seed() }) });
  }

  /** BatchNorm1d: torch eps 1e-5; momentum 0.1 (Keras 0.9), or 0.01 in BasicConv (Keras 0.99). */
  bn(name: string, basic = false) {
    return batchNorm({ name, axis: -1, epsilon: 1e-5, momentum: basic ? 0.99 : 0.9 });
  }

  act(name: string, activation: 'relu' | 'sigmoid' | 'tanh' | 'swish') {
    return tf.layers.activation({ name, activation: activation as 'relu' });
  }

  /** Conv (no bias) + BN (+ ReLU): the released BasicConv. */
  basicConv(x: Sym, name: string, cin: number, cout: number, k: number, relu = true): Sym {
    let y = apply(this.conv(`${name}.conv`, cin, cout, k, { bias: false }), x);
    y = apply(this.bn(`${name}.bn`, true), y);
    return relu ? apply(this.act(name, 'relu'), y) : apply(this.act(name, 'linear' as 'relu'), y);
  }

  /** ResConBlock: pointwise x2 + GLU, depthwise 31 + Swish, pointwise to `cout` + Swish, 1x1; + 1x1 shortcut; ReLU. */
  resCon(x: Sym, name: string, cin: number, cout: number): Sym {
    let y = apply(this.conv(`${name}.point1`, cin, 2 * cin, 1), x);
    y = apply(new Glu({ name: `${name}.glu` }), apply(this.bn(`${name}.point1.bn`), y));
    y = apply(this.depthwise(`${name}.depth`, cin, 31), y);
    y = apply(this.act(`${name}.depth.swish`, 'swish'), apply(this.bn(`${name}.depth.bn`), y));
    y = apply(this.conv(`${name}.point2`, cin, cout, 1), y);
    y = apply(this.act(`${name}.point2.swish`, 'swish'), apply(this.bn(`${name}.point2.bn`), y));
    y = this.basicConv(y, `${name}.conv`, cout, cout, 1, false);
    const s = this.basicConv(x, `${name}.shortcut`, cin, cout, 1, false);
    return apply(this.act(name, 'relu'), apply(tf.layers.add({ name: `${name}.add` }), [y, s]));
  }

  /** tanh(conv x) * sigmoid(conv x) -> ReLU(conv): the gate MANNER uses as an activation unit. */
  maskGate(x: Sym, name: string, c: number): Sym {
    const t = apply(this.conv(`${name}.tanh`, c, c, 1, { activation: 'tanh' }), x);
    const s = apply(this.conv(`${name}.sigmoid`, c, c, 1, { activation: 'sigmoid' }), x);
    const g = apply(tf.layers.multiply({ name: `${name}.gated` }), [t, s]);
    return apply(this.conv(name, c, c, 1, { activation: 'relu' }), g);
  }

  multiView(x: Sym, name: string, channels: number, o: MannerOptions): Sym {
    const inter = Math.floor(channels / 3);
    const x0 = this.basicConv(x, `${name}.in0`, channels, inter, 1);
    const x1 = this.basicConv(x, `${name}.in1`, channels, inter, 1);
    const x2 = this.basicConv(x, `${name}.in2`, channels, inter, 1);

    // Channel view: one MLP (inter -> inter/2 -> inter) on max- and average-pooled features.
    const fc1 = tf.layers.dense({ name: `${name}.channel.fc1`, units: Math.max(1, Math.floor(inter / 2)), activation: 'relu', kernelInitializer: torchKernelInit(this.rng), biasInitializer: torchBiasInit(this.rng, inter) });
    const fc2 = tf.layers.dense({ name: `${name}.channel.fc2`, units: inter, kernelInitializer: torchKernelInit(this.rng), biasInitializer: torchBiasInit(this.rng, Math.max(1, Math.floor(inter / 2))) });
    const pooled = [tf.layers.globalMaxPooling2d({ name: `${name}.channel.max` }), tf.layers.globalAveragePooling2d({ name: `${name}.channel.avg` })].map((p) => apply(fc2, apply(fc1, apply(p, x0))));
    const weights = apply(this.act(`${name}.channel.weights`, 'sigmoid'), apply(tf.layers.add({ name: `${name}.channel.sum` }), pooled));
    const gate = apply(tf.layers.reshape({ name: `${name}.channel.gate`, targetShape: [1, 1, inter] }), weights);
    const c0 = apply(new GateMultiply({ name: `${name}.channel` }), [x0, gate]);

    // Global view: self-attention across overlapped chunks.
    const chunks1 = apply(new Unfold({ name: `${name}.global.unfold`, chunk: o.segment }), x1);
    const map = apply(new ChunkAttentionMap({ name: `${name}.global.map`, chunk: o.segment, heads: o.heads, seeds: [this.rng.seed(), this.rng.seed()] }), chunks1);
    const g1 = apply(new ChunkAttentionApply({ name: `${name}.global.apply`, chunk: o.segment, heads: o.heads, seeds: [this.rng.seed(), this.rng.seed()] }), [chunks1, map]);
    const c1 = apply(new Fold({ name: `${name}.global` }), [g1, x1]);

    // Local view: a per-sample gate inside each chunk.
    const chunks2 = apply(new Unfold({ name: `${name}.local.unfold`, chunk: o.segment }), x2);
    let l = apply(this.depthwise(`${name}.local.depth`, inter, 31), chunks2);
    l = apply(this.act(`${name}.local.swish`, 'swish'), apply(this.bn(`${name}.local.depth.bn`), l));
    l = apply(new ChannelMaxMean({ name: `${name}.local.pool` }), l);
    l = apply(this.bn(`${name}.local.conv.bn`, true), apply(this.conv(`${name}.local.conv`, 2, 1, 7, { bias: false }), l));
    const localMap = apply(this.act(`${name}.local.map`, 'sigmoid'), l);
    const c2 = apply(new Fold({ name: `${name}.local` }), [apply(new GateMultiply({ name: `${name}.local.gated` }), [chunks2, localMap]), x2]);

    const branches = [c0, c1, c2].map((b, i) => this.basicConv(b, `${name}.out${i}`, inter, inter, 3));
    const cat = apply(tf.layers.concatenate({ name: `${name}.concat`, axis: -1 }), branches);
    const out = this.basicConv(cat, `${name}.merge`, 3 * inter, channels, 1, false);
    const short = this.basicConv(x, `${name}.shortcut`, channels, channels, 1, false);
    return apply(tf.layers.add({ name }), [short, this.maskGate(out, `${name}.gate`, channels)]);
  }
}

/** Demucs' rescale_module (reference 0.1), which the released MANNER applies at construction. */
function rescaleConvs(model: LayersModel): void {
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== 'Conv2D' && cls !== 'Conv2DTranspose' && cls !== 'DepthwiseConv2D') continue;
    const ws = layer.getWeights();
    const scale = tf.tidy(() => tf.moments(ws[0]).variance.mul(ws[0].size / (ws[0].size - 1)).sqrt().div(0.1).sqrt());
    layer.setWeights(ws.map((w) => tf.tidy(() => w.div(scale))));
    scale.dispose();
  }
}

export function buildManner(o: MannerOptions, rng: Rng): LayersModel {
  const b = new Builder(rng);
  const input = tf.input({ shape: [1, null, 1], name: 'noisy' });
  const norm = apply(new StdNormalize({ name: 'normalize' }), input);
  const padded = apply(new PadToValid({ name: 'pad', depth: o.depth, kernel: o.kernel, stride: o.stride }), norm);
  let x = apply(b.act('in_conv', 'relu'), apply(b.bn('in_conv.bn'), apply(b.conv('in_conv.conv', 1, o.hidden, 3), padded)));
  const encOut = x;
  const attends = (level: number) => o.attention === 'all' || level === o.depth - 1;
  const skips: Sym[] = [];
  for (let i = 0; i < o.depth; i++) {
    const cin = o.hidden * 2 ** i;
    const name = `enc${i}`;
    x = apply(b.conv(`${name}.down`, cin, cin, o.kernel, { stride: o.stride, padding: 'valid' }), x);
    x = apply(b.act(`${name}.down.relu`, 'relu'), apply(b.bn(`${name}.down.bn`), x));
    x = b.resCon(x, attends(i) ? `${name}.rescon` : name, cin, 2 * cin);
    if (attends(i)) x = b.multiView(x, name, 2 * cin, o);
    skips.push(x);
  }
  const hdim = o.hidden * 2 ** o.depth;
  x = apply(b.conv('bottleneck', hdim, hdim, 1, { bias: false, activation: 'relu' }), x);
  for (let i = o.depth - 1; i >= 0; i--) {
    const cout = o.hidden * 2 ** i;
    const name = `dec${i}`;
    x = apply(tf.layers.add({ name: `${name}.skip` }), [x, skips[i]]);
    x = b.resCon(x, `${name}.rescon`, 2 * cout, cout);
    x = apply(
      tf.layers.conv2dTranspose({ name: `${name}.up`, filters: cout, kernelSize: [1, o.kernel], strides: [1, o.stride], padding: 'valid', kernelInitializer: torchKernelInit(rng), biasInitializer: torchBiasInit(rng, cout * o.kernel) }),
      x,
    );
    x = apply(b.act(attends(i) ? `${name}.up.relu` : name, 'relu'), apply(b.bn(`${name}.up.bn`), x));
    if (attends(i)) x = b.multiView(x, name, cout, o);
  }
  const mask = b.maskGate(x, 'mask', o.hidden);
  x = apply(new GateMultiply({ name: 'masked' }), [encOut, mask]);
  x = apply(b.conv('out_conv', o.hidden, 1, 3), x);
  const out = apply(new CropRescale({ name: 'enhanced' }), [x, input]);
  const model = tf.model({ inputs: input, outputs: out, name: 'manner' });
  rescaleConvs(model);
  return model;
}

registerBackbone('manner', mannerSchema, buildManner);
registerPreset('manner-base', 'manner', { hidden: 60, depth: 4, kernel: 8, stride: 4, heads: 1, segment: 64, attention: 'all' }, 'MANNER (base), the released configuration: hidden 60, depth 4, K 8, S 4, 1 head, segment 64, attention in every layer');
registerPreset('manner-small', 'manner', { hidden: 60, depth: 4, kernel: 8, stride: 4, heads: 1, segment: 64, attention: 'last' }, 'MANNER (small): as base with multi-view attention only in the deepest encoder and decoder layer');
