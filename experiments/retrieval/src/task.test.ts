// The retrieval task's parts on real data (the first Flickr8k-1k images, real MiniLM features),
// without training: training groups, their resumable state, and evaluation paths that must agree
// with the model's own packed forward pass (dual scores by embeddings; cross-encoder re-ranking).
import { tf, Rng } from '@kdlab/engine';
import type { Tensor } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import './index';
import { packFeatures } from './data/batch-stream';
import { TEXT_DIM } from './data/features';
import { dualScores, rerankScores } from './eval/score';
import { retrievalNet } from './model/archs';
import { slotWidth } from './model/layout';
import type { RetrievalCross, RetrievalDual } from './model/net';
import { RetrievalTaskInstance } from './task';

const data = { dataset: 'flickr8k-1k' as const, imageSize: 16, tokens: 24, batch: 4, negatives: 7, trainImages: 24 };
const evalCfg = { split: 'test' as const, rerankK: 5, images: 10, exampleImages: [0], pairBatch: 7 };

describe('retrieval task on real Flickr8k-1k features', () => {
  let inst: RetrievalTaskInstance;
  beforeAll(() => {
    inst = new RetrievalTaskInstance(data, evalCfg);
  });

  it('builds groups of an image, one of its captions and negatives of other images, and resumes exactly', () => {
    const f = inst.train;
    const rng = new Rng(3);
    const stream = inst.trainStream(rng);
    const w = slotWidth({ imageSize: 16, tokens: 24, textDim: TEXT_DIM });
    const b = stream.next();
    expect(b.input.shape).toEqual([4, 9, w, 1]);
    expect(Array.from(b.target.dataSync())).toEqual(Array.from({ length: 32 }, (_, k) => (k % 8 === 0 ? 1 : 0)));
    const x = b.input.dataSync();
    const per = 16 * 16 * 3;
    const captionOf = (g: number, slot: number) => {
      const at = (g * 9 + slot) * w;
      const first = x.slice(at, at + TEXT_DIM);
      const j = f.captionImage.findIndex((_, c) => first.every((v, k) => v === f.states[c * 24 * TEXT_DIM + k]));
      expect(j).toBeGreaterThanOrEqual(0);
      return j;
    };
    for (let g = 0; g < 4; g++) {
      const img = Array.from({ length: 24 }, (_, i) => i).find((i) => x.slice(g * 9 * w, g * 9 * w + per).every((v, k) => v === f.pixels[i * per + k]))!;
      expect(img).toBeDefined();
      expect(f.captionImage[captionOf(g, 1)]).toBe(img);
      for (let s = 2; s < 9; s++) expect(f.captionImage[captionOf(g, s)]).not.toBe(img);
    }
    const state = { stream: stream.getState(), rng: rng.getState() };
    const next = stream.next();
    // As the runner resumes: build the stream, then restore the data Rng and the stream state.
    const again = new Rng(0);
    const resumed = inst.trainStream(again);
    again.setState(state.rng);
    resumed.setState(state.stream);
    const replay = resumed.next();
    // Byte comparison: jest's deep equality on 300k-element arrays takes minutes.
    const bytes = (t: Tensor) => {
      const v = t.dataSync() as Float32Array;
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    };
    expect(bytes(replay.input).equals(bytes(next.input))).toBe(true);
    expect(bytes(replay.input).equals(bytes(b.input))).toBe(false);
    tf.dispose([b.input, b.target, next.input, next.target, replay.input, replay.target]);
  });

  it('dual scores from separate embeddings equal the packed forward pass', () => {
    const model = buildBackbone({ arch: 'retrieval-dual', imageSize: 16, tokens: 24 }, 1);
    const f = inst.evalSplit;
    const s = dualScores(retrievalNet(model) as RetrievalDual, f);
    const caps = [3, 17, 42];
    const w = slotWidth({ imageSize: 16, tokens: 24, textDim: TEXT_DIM });
    const packed = new Float32Array(4 * w);
    packFeatures(packed, f, 0, 2, caps);
    const out = model.predict(tf.tensor4d(packed, [1, 4, w, 1])) as Tensor;
    const got = Array.from(out.dataSync());
    caps.forEach((j, k) => expect(got[k]).toBeCloseTo(s[2 * 50 + j], 4));
    out.dispose();
    model.dispose();
  });

  it('re-ranking reorders only the first stage\'s top k, by the cross-encoder\'s own scores', () => {
    const f = inst.evalSplit;
    const cross = buildBackbone({ arch: 'retrieval-cross', layers: 2, imageSize: 16, tokens: 24 }, 2);
    const dual = buildBackbone({ arch: 'retrieval-dual', imageSize: 16, tokens: 24 }, 3);
    const first = dualScores(retrievalNet(dual) as RetrievalDual, f);
    const { i2t, t2i } = rerankScores(retrievalNet(cross) as RetrievalCross, first, f, 5, 7);
    const order = (row: ArrayLike<number>) => Array.from({ length: row.length }, (_, k) => k).sort((a, b) => row[b] - row[a] || a - b);
    const w = slotWidth({ imageSize: 16, tokens: 24, textDim: TEXT_DIM });
    for (const i of [0, 7]) {
      const fs = order(first.subarray(i * 50, (i + 1) * 50));
      const rs = order(i2t.subarray(i * 50, (i + 1) * 50));
      expect(new Set(rs.slice(0, 5))).toEqual(new Set(fs.slice(0, 5)));
      expect(rs.slice(5)).toEqual(fs.slice(5));
      // The top 5 follow the cross-encoder's scores of (image i, caption) from its packed forward pass.
      const packed = new Float32Array(6 * w);
      packFeatures(packed, f, 0, i, fs.slice(0, 5));
      const out = cross.predict(tf.tensor4d(packed, [1, 6, w, 1])) as Tensor;
      const scores = Array.from(out.dataSync());
      out.dispose();
      const byCross = fs.slice(0, 5).map((j, k) => [j, scores[k]] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([j]) => j);
      expect(rs.slice(0, 5)).toEqual(byCross);
    }
    // Text→image: a caption's candidate images are its first-stage top 5, re-ordered.
    for (const j of [0, 33]) {
      const col = (m: Float32Array) => Float32Array.from({ length: 10 }, (_, i) => m[i * 50 + j]);
      const fs = order(col(first));
      const rs = order(col(t2i));
      expect(new Set(rs.slice(0, 5))).toEqual(new Set(fs.slice(0, 5)));
      expect(rs.slice(5)).toEqual(fs.slice(5));
    }
    cross.dispose();
    dual.dispose();
  });

  it('evaluation needs the model itself and a first stage for cross-encoders', async () => {
    const cross = buildBackbone({ arch: 'retrieval-cross', layers: 1, imageSize: 16, tokens: 24 }, 4);
    await expect(inst.evaluate({ kind: 'model', predict: (x) => x })).rejects.toThrow(/predictor.model/);
    await expect(inst.evaluate({ kind: 'model', predict: (x) => x, model: cross })).rejects.toThrow(/config.eval.firstStage/);
    cross.dispose();
  });
});
