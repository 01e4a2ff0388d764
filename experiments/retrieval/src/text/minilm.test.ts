// The TensorFlow.js MiniLM text tower against the original library: token ids must equal the
// reference tokenizer's and sentence embeddings must match sentence-transformers' (cosine ≥ 0.999)
// on real Flickr8k-1k test captions. Reference values: golden/minilm_reference.json, written by
// golden/gen_minilm_reference.py (sentence-transformers 2.7.0 / transformers 4.40.2, PyTorch).
import * as fs from 'fs';
import * as path from 'path';
import { tf } from '@kdlab/engine';
import { loadMiniLm, minilmZip, type MiniLm } from './minilm';
import { parseSafetensors } from './safetensors';

interface Reference {
  captions: { text: string; ids: number[]; embedding: number[] }[];
  tokenizer_cases: { text: string; ids: number[] }[];
}
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'golden', 'minilm_reference.json'), 'utf8')) as Reference;

describe('all-MiniLM-L6-v2 in TensorFlow.js', () => {
  let m: MiniLm;
  beforeAll(() => {
    m = loadMiniLm();
  });
  afterAll(() => m?.encoder.dispose());

  it('tokenizes real captions and edge cases exactly as the reference tokenizer', () => {
    expect(ref.captions.length).toBeGreaterThanOrEqual(25);
    for (const c of [...ref.captions, ...ref.tokenizer_cases]) expect({ text: c.text, ids: m.tokenizer.encode(c.text).ids }).toEqual({ text: c.text, ids: c.ids });
  });

  it('reproduces the sentence-transformers embeddings (cosine >= 0.999)', () => {
    const emb = m.encoder.embed(ref.captions.map((c) => m.tokenizer.encode(c.text).ids));
    const values = emb.arraySync();
    emb.dispose();
    const cos = ref.captions.map((c, i) => {
      const a = values[i];
      const dot = a.reduce((s, v, k) => s + v * c.embedding[k], 0);
      const na = Math.hypot(...a);
      const nb = Math.hypot(...c.embedding);
      return dot / (na * nb);
    });
    expect(Math.min(...cos)).toBeGreaterThanOrEqual(0.999);
    // Padding to the longest caption of the batch must not change a caption's embedding.
    const alone = m.encoder.embed([m.tokenizer.encode(ref.captions[0].text).ids]);
    expect(Math.max(...alone.arraySync()[0].map((v, k) => Math.abs(v - values[0][k])))).toBeLessThan(1e-5);
    alone.dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(0);
  });
});

describe('safetensors reader', () => {
  it('reads dtypes, shapes and offsets, and names a bad header', () => {
    const header = JSON.stringify({ __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'I64', shape: [1], data_offsets: [8, 16] }, h: { dtype: 'F16', shape: [1], data_offsets: [16, 18] } });
    const body = Buffer.alloc(18);
    body.writeFloatLE(1.5, 0);
    body.writeFloatLE(-2, 4);
    body.writeBigInt64LE(7n, 8);
    body.writeUInt16LE(0x3c00, 16); // 1.0 in half precision
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    const t = parseSafetensors(Buffer.concat([len, Buffer.from(header), body]), 'x.safetensors');
    expect([...t.get('a')!.values]).toEqual([1.5, -2]);
    expect([...t.get('b')!.values]).toEqual([7]);
    expect([...t.get('h')!.values]).toEqual([1]);
    expect(() => parseSafetensors(Buffer.concat([len, Buffer.from(header), body.subarray(0, 10)]), 'cut.safetensors')).toThrow(/cut.safetensors: tensor b/);
  });

  it('says how to install the model when it is absent', () => {
    expect(() => minilmZip({ KDLAB_MINILM_ZIP: '/nonexistent/model.zip' })).toThrow(/KDLAB_MINILM_ZIP/);
  });
});
