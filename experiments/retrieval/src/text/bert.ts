// A BERT encoder in TensorFlow.js, loaded from a Hugging Face BertModel checkpoint
// (safetensors names `embeddings.*`, `encoder.layer.<i>.*`), and sentence embeddings the way
// sentence-transformers computes them for all-MiniLM-L6-v2: mean of the last hidden states over
// the attention mask, then L2 normalisation. Post-LayerNorm layers, exact (erf) GELU, absolute
// positions, token type 0. Used frozen (inference only): weights are plain tensors, not variables.
import { tf } from '@kdlab/engine';
import type { Tensor, Tensor2D, Tensor3D } from '@kdlab/engine';
import type { SafeTensor } from './safetensors';

export interface BertConfig {
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  layerNormEps: number;
}

/** Reads the fields kdlab needs from a Hugging Face config.json object; errors name the field. */
export function bertConfigFrom(json: Record<string, unknown>, file = 'config.json'): BertConfig {
  const num = (key: string) => {
    const v = json[key];
    if (typeof v !== 'number') throw new Error(`${file}: field ${key} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  if (json.hidden_act !== 'gelu') throw new Error(`${file}: hidden_act ${JSON.stringify(json.hidden_act)} is not supported (gelu)`);
  if (json.position_embedding_type !== undefined && json.position_embedding_type !== 'absolute') throw new Error(`${file}: position_embedding_type must be "absolute"`);
  return { hidden: num('hidden_size'), layers: num('num_hidden_layers'), heads: num('num_attention_heads'), intermediate: num('intermediate_size'), layerNormEps: num('layer_norm_eps') };
}

interface Linear { w: Tensor2D; b: Tensor }
interface Norm { g: Tensor; b: Tensor }
interface Layer { q: Linear; k: Linear; v: Linear; o: Linear; ln1: Norm; up: Linear; down: Linear; ln2: Norm }

export class BertEncoder {
  private readonly word: Tensor2D;
  private readonly position: Tensor2D;
  private readonly tokenType: Tensor2D;
  private readonly embNorm: Norm;
  private readonly blocks: Layer[];

  constructor(readonly config: BertConfig, tensors: Map<string, SafeTensor>, file = '<weights>') {
    const get = (name: string, prefixes = ['', 'bert.']): Tensor => {
      for (const p of prefixes) {
        const t = tensors.get(p + name);
        if (t) return tf.tensor(t.values, t.shape);
      }
      throw new Error(`${file}: no tensor ${name}`);
    };
    // PyTorch Linear stores [out, in]; keep it and multiply by its transpose.
    const linear = (n: string): Linear => ({ w: get(`${n}.weight`) as Tensor2D, b: get(`${n}.bias`) });
    const norm = (n: string): Norm => ({ g: get(`${n}.weight`), b: get(`${n}.bias`) });
    this.word = get('embeddings.word_embeddings.weight') as Tensor2D;
    this.position = get('embeddings.position_embeddings.weight') as Tensor2D;
    this.tokenType = get('embeddings.token_type_embeddings.weight') as Tensor2D;
    this.embNorm = norm('embeddings.LayerNorm');
    if (this.word.shape[1] !== config.hidden) throw new Error(`${file}: word embeddings have width ${this.word.shape[1]}, config hidden_size ${config.hidden}`);
    this.blocks = Array.from({ length: config.layers }, (_, i) => {
      const p = `encoder.layer.${i}`;
      return {
        q: linear(`${p}.attention.self.query`), k: linear(`${p}.attention.self.key`), v: linear(`${p}.attention.self.value`),
        o: linear(`${p}.attention.output.dense`), ln1: norm(`${p}.attention.output.LayerNorm`),
        up: linear(`${p}.intermediate.dense`), down: linear(`${p}.output.dense`), ln2: norm(`${p}.output.LayerNorm`),
      };
    });
  }

  private dense(x: Tensor3D, l: Linear): Tensor3D {
    const [n, t, d] = x.shape;
    return tf.add(tf.matMul(x.reshape([n * t, d]), l.w, false, true), l.b).reshape([n, t, l.w.shape[0]]) as Tensor3D;
  }

  private layerNorm(x: Tensor3D, n: Norm): Tensor3D {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.config.layerNormEps))), n.g), n.b) as Tensor3D;
  }

  /** ids padded with 0 to the longest row; mask 1 for real tokens. */
  static pad(ids: number[][]): { ids: Int32Array; mask: Float32Array; length: number } {
    const length = Math.max(...ids.map((r) => r.length));
    const out = new Int32Array(ids.length * length);
    const mask = new Float32Array(ids.length * length);
    ids.forEach((row, i) => row.forEach((id, j) => {
      out[i * length + j] = id;
      mask[i * length + j] = 1;
    }));
    return { ids: out, mask, length };
  }

  /** Last hidden states [N, L, hidden] (L = the longest row) and the mask [N, L]. */
  tokenStates(ids: number[][]): { states: Tensor3D; mask: Tensor2D } {
    const { hidden, heads } = this.config;
    const { ids: flat, mask: maskValues, length } = BertEncoder.pad(ids);
    if (length > this.position.shape[0]) throw new Error(`BERT input of ${length} tokens exceeds ${this.position.shape[0]} positions`);
    const n = ids.length;
    const mask = tf.tensor2d(maskValues, [n, length]);
    const states = tf.tidy(() => {
      const tokenIds = tf.tensor2d(flat, [n, length], 'int32');
      let x = tf.add(tf.add(tf.gather(this.word, tokenIds), this.position.slice([0, 0], [length, hidden])), this.tokenType.slice([0, 0], [1, hidden])) as Tensor3D;
      x = this.layerNorm(x, this.embNorm);
      // Additive mask as in transformers: 0 for tokens, the float32 minimum for padding.
      const bias = tf.mul(tf.sub(1, mask), -3.4028234663852886e38).reshape([n, 1, 1, length]);
      const dh = hidden / heads;
      const split = (t: Tensor3D) => t.reshape([n, length, heads, dh]).transpose([0, 2, 1, 3]);
      for (const b of this.blocks) {
        const q = split(this.dense(x, b.q));
        const k = split(this.dense(x, b.k));
        const v = split(this.dense(x, b.v));
        const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), bias);
        const ctx = tf.matMul(tf.softmax(scores, -1), v).transpose([0, 2, 1, 3]).reshape([n, length, hidden]) as Tensor3D;
        x = this.layerNorm(tf.add(this.dense(ctx, b.o), x) as Tensor3D, b.ln1);
        const h = this.dense(x, b.up);
        const gelu = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.div(h, Math.SQRT2))));
        x = this.layerNorm(tf.add(this.dense(gelu as Tensor3D, b.down), x) as Tensor3D, b.ln2);
      }
      return x;
    });
    return { states, mask };
  }

  /** sentence-transformers' embedding: masked mean of the last hidden states, L2-normalised. [N, hidden] */
  embed(ids: number[][]): Tensor2D {
    const { states, mask } = this.tokenStates(ids);
    const out = tf.tidy(() => meanPoolNormalize(states, mask));
    tf.dispose([states, mask]);
    return out;
  }

  dispose(): void {
    tf.dispose([this.word, this.position, this.tokenType, this.embNorm.g, this.embNorm.b]);
    for (const b of this.blocks) tf.dispose([b.q.w, b.q.b, b.k.w, b.k.b, b.v.w, b.v.b, b.o.w, b.o.b, b.ln1.g, b.ln1.b, b.up.w, b.up.b, b.down.w, b.down.b, b.ln2.g, b.ln2.b]);
  }
}

/** Pooling(mean) + Normalize of sentence-transformers: sum(h·m)/max(sum m, 1e-9), then x/max(|x|, 1e-12). */
export function meanPoolNormalize(states: Tensor3D, mask: Tensor2D): Tensor2D {
  return tf.tidy(() => {
    const m = mask.expandDims(-1);
    const mean = tf.div(tf.sum(tf.mul(states, m), 1), tf.maximum(tf.sum(m, 1), 1e-9));
    return tf.div(mean, tf.maximum(tf.norm(mean, 'euclidean', -1, true), 1e-12)) as Tensor2D;
  });
}
