// The retrieval models, one custom layer each (so a model is a one-input tf.LayersModel):
//
//   image tower  a small CNN trained by kdlab from scratch (3×3 convolutions, ReLU, three
//                stride-2 stages): an imageSize² image becomes (imageSize/8)² regions, projected
//                to `dim` with a learned position embedding;
//   text tower   the frozen MiniLM token states (pre-computed, see ../text), LayerNorm and a
//                linear projection to `dim`;
//   cross        (`RetrievalCross`) METER/ALBEF-style fusion: per pair, `layers` pre-LN blocks of
//                text self-attention, text→image cross-attention and a GELU MLP; the pair's score
//                is a linear head on a tanh pooler of [u, v, u ⊙ v] (u the masked mean of the
//                fused caption tokens, as sentence-transformers pools, v the mean image region). Every pair needs a forward pass through the
//                fusion layers;
//   dual         (`RetrievalDual`) image and text embedded apart (mean of regions / masked mean of
//                tokens, each through an MLP), L2-normalised; score = s · cos with a learned
//                logit scale s (CLIP-style). Embeddings can be computed once and cached.
//
// Input: a packed group batch (./layout.ts) [B, 1 + C, W, 1]; output: scores [B, C].
import { tf } from '@kdlab/engine';
import type { Rng, Tensor, Tensor2D, Tensor3D, Tensor4D } from '@kdlab/engine';
import { captionValues, imageValues, type Layout } from './layout';

type LayerVariable = ReturnType<InstanceType<typeof tf.layers.Layer>['addWeight']>;
type ConfigDict = ReturnType<InstanceType<typeof tf.layers.Layer>['getConfig']>;
type Shape = (number | null)[];

export interface TowerOptions extends Layout {
  dim: number;
  /** CNN widths of the four 3×3 convolutions (the last three have stride 2). */
  channels: number[];
  /** Parts whose weights stay fixed (e.g. a student that reuses the teacher's towers). */
  freeze: ('image' | 'text')[];
}

export interface CrossOptions extends TowerOptions {
  kind: 'cross';
  layers: number;
  heads: number;
  ffn: number;
}

export interface DualOptions extends TowerOptions {
  kind: 'dual';
  embed: number;
  logitScale: number;
}

export type NetOptions = CrossOptions | DualOptions;

interface Dense { w: LayerVariable; b: LayerVariable }
interface Norm { g: LayerVariable; b: LayerVariable }
interface Block { ln1: Norm; q: Dense; k: Dense; v: Dense; o: Dense; ln2: Norm; cq: Dense; ck: Dense; cv: Dense; co: Dense; ln3: Norm; up: Dense; down: Dense }

const r = (v: LayerVariable) => v.read();

/** The shared towers and the packing; subclasses add the scoring. */
export abstract class RetrievalNet extends tf.layers.Layer {
  protected convs: Dense[] = [];
  protected imgProj!: Dense;
  protected imgPos!: LayerVariable;
  protected imgNorm!: Norm;
  protected txtNorm!: Norm;
  protected txtProj!: Dense;

  constructor(readonly options: NetOptions, protected readonly rng: Rng) {
    super({ name: 'retrieval', trainable: true });
  }

  get regions(): number {
    return (this.options.imageSize / 8) ** 2;
  }

  protected dense(name: string, i: number, o: number, std: number, trainable = true): Dense {
    return {
      w: this.addWeight(`${name}/kernel`, [i, o], 'float32', tf.initializers.truncatedNormal({ stddev: std, seed: this.rng.seed() }), undefined, trainable),
      b: this.addWeight(`${name}/bias`, [o], 'float32', tf.initializers.zeros(), undefined, trainable),
    };
  }

  protected norm(name: string, d: number, trainable = true): Norm {
    return {
      g: this.addWeight(`${name}/gamma`, [d], 'float32', tf.initializers.ones(), undefined, trainable),
      b: this.addWeight(`${name}/beta`, [d], 'float32', tf.initializers.zeros(), undefined, trainable),
    };
  }

  override build(): void {
    const o = this.options;
    if (o.imageSize % 8 !== 0) throw new Error(`retrieval model: imageSize ${o.imageSize} must be a multiple of 8`);
    if (o.channels.length !== 4) throw new Error(`retrieval model: channels must list 4 widths, got [${o.channels}]`);
    const img = !o.freeze.includes('image');
    const txt = !o.freeze.includes('text');
    let cin = 3;
    o.channels.forEach((c, i) => {
      // He initialisation for ReLU convolutions.
      this.convs.push({
        w: this.addWeight(`image/conv${i}/kernel`, [3, 3, cin, c], 'float32', tf.initializers.heNormal({ seed: this.rng.seed() }), undefined, img),
        b: this.addWeight(`image/conv${i}/bias`, [c], 'float32', tf.initializers.zeros(), undefined, img),
      });
      cin = c;
    });
    this.imgProj = this.dense('image/proj', cin, o.dim, 0.02, img);
    this.imgPos = this.addWeight('image/pos', [this.regions, o.dim], 'float32', tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.rng.seed() }), undefined, img);
    this.imgNorm = this.norm('image/norm', o.dim, img);
    this.txtNorm = this.norm('text/norm', o.textDim, txt);
    this.txtProj = this.dense('text/proj', o.textDim, o.dim, 0.02, txt);
    this.buildHead();
    this.built = true;
  }

  protected abstract buildHead(): void;

  protected linear(x: Tensor, d: Dense): Tensor {
    const shape = x.shape;
    const flat = x.reshape([-1, shape[shape.length - 1]]);
    return tf.add(tf.matMul(flat, r(d.w)), r(d.b)).reshape([...shape.slice(0, -1), d.w.shape[1]!]);
  }

  protected layerNorm(x: Tensor, n: Norm, eps = 1e-6): Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), r(n.g)), r(n.b));
  }

  /** [N, S, S, 3] normalised pixels → regions [N, R, dim]. */
  encodeImages(pixels: Tensor4D): Tensor3D {
    return tf.tidy(() => {
      let x: Tensor4D = pixels;
      this.convs.forEach((c, i) => {
        x = tf.relu(tf.add(tf.conv2d(x, r(c.w) as Tensor4D, i === 0 ? 1 : 2, 'same'), r(c.b))) as Tensor4D;
      });
      const [n, h, w, c] = x.shape;
      const regions = this.linear(x.reshape([n, h * w, c]), this.imgProj);
      return this.layerNorm(tf.add(regions, r(this.imgPos)), this.imgNorm) as Tensor3D;
    });
  }

  /** Frozen token states [M, L, textDim] → tokens [M, L, dim]. */
  encodeTexts(states: Tensor3D): Tensor3D {
    return tf.tidy(() => this.linear(this.layerNorm(states, this.txtNorm, 1e-5), this.txtProj) as Tensor3D);
  }

  /** Splits a packed input [B, 1+C, W, 1] into pixels [B,S,S,3], states [B*C, L, D] and masks [B*C, L]. */
  unpack(input: Tensor): { pixels: Tensor4D; states: Tensor3D; mask: Tensor2D; groups: number; candidates: number } {
    const o = this.options;
    const [b, s, w] = input.shape as number[];
    const c = s - 1;
    const x = input.reshape([b, s, w]);
    const pixels = x.slice([0, 0, 0], [b, 1, imageValues(o)]).reshape([b, o.imageSize, o.imageSize, 3]) as Tensor4D;
    const caps = x.slice([0, 1, 0], [b, c, captionValues(o)]).reshape([b * c, captionValues(o)]);
    const states = caps.slice([0, 0], [b * c, o.tokens * o.textDim]).reshape([b * c, o.tokens, o.textDim]) as Tensor3D;
    const mask = caps.slice([0, o.tokens * o.textDim], [b * c, o.tokens]) as Tensor2D;
    return { pixels, states, mask, groups: b, candidates: c };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0], s[1] === null ? null : (s[1] as number) - 1];
  }

  /** Multiply-accumulates of one group (one image, C = slots - 1 candidates), for countFlops. */
  macs(inputs: Shape[]): number {
    const c = ((inputs[0][1] as number) ?? 2) - 1;
    const o = this.options;
    let size = o.imageSize;
    let cin = 3;
    let image = 0;
    o.channels.forEach((ch, i) => {
      if (i > 0) size /= 2;
      image += size * size * 9 * cin * ch;
      cin = ch;
    });
    image += this.regions * cin * o.dim;
    return image + c * o.tokens * o.textDim * o.dim + this.headMacs(c);
  }

  protected abstract headMacs(candidates: number): number;

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), options: JSON.parse(JSON.stringify(this.options)) };
  }
}

export class RetrievalCross extends RetrievalNet {
  static className = 'RetrievalCross';
  declare readonly options: CrossOptions;
  private blocks: Block[] = [];
  private finalNorm!: Norm;
  private pooler!: Dense;
  private head!: Dense;

  protected buildHead(): void {
    const { dim: d, ffn, layers, heads } = this.options;
    if (d % heads !== 0) throw new Error(`retrieval-cross: dim ${d} is not a multiple of heads ${heads}`);
    for (let i = 0; i < layers; i++) {
      const p = `fusion/${i}`;
      this.blocks.push({
        ln1: this.norm(`${p}/ln1`, d), q: this.dense(`${p}/self/q`, d, d, 0.02), k: this.dense(`${p}/self/k`, d, d, 0.02), v: this.dense(`${p}/self/v`, d, d, 0.02), o: this.dense(`${p}/self/o`, d, d, 0.02),
        ln2: this.norm(`${p}/ln2`, d), cq: this.dense(`${p}/cross/q`, d, d, 0.02), ck: this.dense(`${p}/cross/k`, d, d, 0.02), cv: this.dense(`${p}/cross/v`, d, d, 0.02), co: this.dense(`${p}/cross/o`, d, d, 0.02),
        ln3: this.norm(`${p}/ln3`, d), up: this.dense(`${p}/mlp/up`, d, ffn, 0.02), down: this.dense(`${p}/mlp/down`, ffn, d, 0.02),
      });
    }
    this.finalNorm = this.norm('pool/norm', d);
    // Glorot-scale pooler and head: with BERT's 0.02 the scores start ~0.05 apart and Adam at
    // 1e-3 needs hundreds of steps just to grow them to a useful range.
    this.pooler = this.dense('pool/dense', 3 * d, d, Math.sqrt(2 / (4 * d)));
    this.head = this.dense('head', d, 1, Math.sqrt(2 / (d + 1)));
  }

  /** [..., T, d] → [..., heads, T, dh] */
  private heads(x: Tensor): Tensor {
    const h = this.options.heads;
    const s = x.shape;
    const t = s[s.length - 2];
    const lead = s.slice(0, -2);
    const perm = [...lead.map((_, i) => i), lead.length + 1, lead.length, lead.length + 2];
    return x.reshape([...lead, t, h, s[s.length - 1] / h]).transpose(perm);
  }

  private merge(x: Tensor): Tensor {
    const s = x.shape;
    const lead = s.slice(0, -3);
    const perm = [...lead.map((_, i) => i), lead.length + 1, lead.length, lead.length + 2];
    return x.transpose(perm).reshape([...lead, s[s.length - 2], s[s.length - 3] * s[s.length - 1]]);
  }

  /**
   * Scores of G groups, each one image and C captions: tokens [G, C, L, d], masks [G, C, L],
   * regions [G, R, d] → [G, C]. Cross-attention needs no tiling of the image: the C·L text
   * queries of a group attend to the same R regions in one batched product.
   */
  fuse(tokens: Tensor4D, mask: Tensor3D, regions: Tensor3D): Tensor2D {
    return tf.tidy(() => {
      const [g, c, l, d] = tokens.shape;
      const dh = d / this.options.heads;
      const scale = 1 / Math.sqrt(dh);
      // Additive self-attention mask over the keys of each caption: [G*C, 1, 1, L].
      const bias = tf.mul(tf.sub(1, mask.reshape([g * c, 1, 1, l])), -1e9);
      let x: Tensor = tokens.reshape([g * c, l, d]);
      for (const b of this.blocks) {
        const h1 = this.layerNorm(x, b.ln1);
        const q = this.heads(this.linear(h1, b.q));
        const k = this.heads(this.linear(h1, b.k));
        const v = this.heads(this.linear(h1, b.v));
        const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), scale), bias), -1);
        x = tf.add(x, this.linear(this.merge(tf.matMul(att, v)), b.o));
        const h2 = this.layerNorm(x, b.ln2).reshape([g, c * l, d]);
        const cq = this.heads(this.linear(h2, b.cq)); // [G, h, C*L, dh]
        const ck = this.heads(this.linear(regions, b.ck)); // [G, h, R, dh]
        const cv = this.heads(this.linear(regions, b.cv));
        const catt = tf.softmax(tf.mul(tf.matMul(cq, ck, false, true), scale), -1);
        x = tf.add(x, this.linear(this.merge(tf.matMul(catt, cv)), b.co).reshape([g * c, l, d]));
        const h3 = this.layerNorm(x, b.ln3);
        const up = this.linear(h3, b.up);
        const gelu = tf.mul(tf.mul(up, 0.5), tf.add(1, tf.erf(tf.div(up, Math.SQRT2))));
        x = tf.add(x, this.linear(gelu, b.down));
      }
      // Matching head on [u, v, u ⊙ v] (InferSent/ESIM-style): u the mean fused caption token, v the mean
      // image region. The product gives the head a direct image-text interaction, without which a
      // cross-encoder trained from scratch on 800 images stayed at chance for hundreds of steps.
      const fused = this.layerNorm(x, this.finalNorm);
      const m = mask.reshape([g * c, l, 1]);
      const cls = tf.div(tf.sum(tf.mul(fused, m), 1), tf.maximum(tf.sum(m, 1), 1)).reshape([g, c, d]);
      const v = tf.tile(tf.mean(regions, 1, true), [1, c, 1]);
      const pooled = tf.tanh(this.linear(tf.concat([cls, v, tf.mul(cls, v)], -1).reshape([g * c, 3 * d]), this.pooler));
      return this.linear(pooled, this.head).reshape([g, c]) as Tensor2D;
    });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const { pixels, states, mask, groups, candidates } = this.unpack(Array.isArray(inputs) ? inputs[0] : inputs);
      const o = this.options;
      const regions = this.encodeImages(pixels);
      const tokens = this.encodeTexts(states).reshape([groups, candidates, o.tokens, o.dim]) as Tensor4D;
      return this.fuse(tokens, mask.reshape([groups, candidates, o.tokens]) as Tensor3D, regions);
    });
  }

  protected headMacs(c: number): number {
    const { dim: d, ffn, layers, tokens: l } = this.options;
    const r = this.regions;
    const perLayer = c * (4 * l * d * d + 2 * l * l * d + 2 * l * d * d + 2 * l * r * d + 2 * l * d * ffn) + 2 * r * d * d;
    return layers * perLayer + c * (3 * d * d + d);
  }
}

export class RetrievalDual extends RetrievalNet {
  static className = 'RetrievalDual';
  declare readonly options: DualOptions;
  private imgMlp!: Dense[];
  private txtMlp!: Dense[];
  private logScale!: LayerVariable;

  protected buildHead(): void {
    const { dim: d, embed: e } = this.options;
    this.imgMlp = [this.dense('dual/image/fc1', d, d, 0.02), this.dense('dual/image/fc2', d, e, 0.02)];
    this.txtMlp = [this.dense('dual/text/fc1', d, d, 0.02), this.dense('dual/text/fc2', d, e, 0.02)];
    this.logScale = this.addWeight('dual/log_scale', [], 'float32', tf.initializers.constant({ value: Math.log(this.options.logitScale) }));
  }

  private mlp(x: Tensor, m: Dense[]): Tensor {
    const h = this.linear(x, m[0]);
    return this.linear(tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.div(h, Math.SQRT2)))), m[1]);
  }

  private l2(x: Tensor): Tensor {
    return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-12));
  }

  /** Normalised image embeddings [N, embed] from regions [N, R, dim]. */
  embedImages(regions: Tensor3D): Tensor2D {
    return tf.tidy(() => this.l2(this.mlp(tf.mean(regions, 1), this.imgMlp)) as Tensor2D);
  }

  /** Normalised caption embeddings [M, embed] from tokens [M, L, dim] and masks [M, L]. */
  embedTexts(tokens: Tensor3D, mask: Tensor2D): Tensor2D {
    return tf.tidy(() => {
      const m = mask.expandDims(-1);
      const mean = tf.div(tf.sum(tf.mul(tokens, m), 1), tf.maximum(tf.sum(m, 1), 1));
      return this.l2(this.mlp(mean, this.txtMlp)) as Tensor2D;
    });
  }

  /** s · cos for every image/caption pair: [N, e] × [M, e] → [N, M]. */
  similarity(images: Tensor2D, texts: Tensor2D): Tensor2D {
    return tf.tidy(() => tf.mul(tf.matMul(images, texts, false, true), tf.exp(r(this.logScale))) as Tensor2D);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const { pixels, states, mask, groups, candidates } = this.unpack(Array.isArray(inputs) ? inputs[0] : inputs);
      const img = this.embedImages(this.encodeImages(pixels)); // [B, e]
      const txt = this.embedTexts(this.encodeTexts(states), mask).reshape([groups, candidates, -1]); // [B, C, e]
      return tf.mul(tf.sum(tf.mul(img.expandDims(1), txt), -1), tf.exp(r(this.logScale)));
    });
  }

  protected headMacs(c: number): number {
    const { dim: d, embed: e } = this.options;
    return d * d + d * e + c * (d * d + d * e + e);
  }
}

tf.serialization.registerClass(RetrievalCross);
tf.serialization.registerClass(RetrievalDual);
