// The `classification` task: CIFAR-10 or Fashion-MNIST, a balanced training
// subset when asked, the standard augmentation (random crop with zero
// padding, horizontal flip), per-channel normalisation with statistics of the
// training images used, one-hot targets; evaluation is top-1 accuracy on the
// test split (or its first N images per class), or on the validation split carved
// from the training images (eval.split: val), which is never trained on.
import { tf } from '@kdlab/engine';
import type { Rng, Tensor } from '@kdlab/engine';
import type { BatchStream, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import { countBatch, emptyCounts, peersOf, type AccuracyCounts } from './accuracy';
import { ClassificationBatches } from './data/batch-stream';
import { balancedSubset, splitOff, type LabelledImages } from './data/labelled-images';
import { heldOutIndices } from './data/val-split';
import { loadSplit, type LoadedSplit } from './data/load';
import { channelStats, normaliseInto, type ChannelStats } from './data/normalise';
import { shrinkAll } from './data/low-resolution';
import { CLS_CONVENTION, ENSEMBLE_METRIC, PER_CLASS_FILE, clsMetricKey, peerMetric } from './naming';
import { clsDataSchema, clsEvalSchema, type ClsData, type ClsEval } from './schema';

export class ClassificationTaskInstance implements TaskInstance {
  readonly baselines = [] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  readonly train: LabelledImages;
  readonly test: LabelledImages;
  readonly stats: ChannelStats;
  private readonly provenance: LoadedSplit['provenance'][];
  /** Dataset name in metric keys: the dataset ('cifar10') or its validation split ('cifar10-val'). */
  private readonly evalName: string;

  constructor(private readonly data: ClsData, private readonly evalCfg: ClsEval, log?: (line: string) => void) {
    const train = loadSplit(data.dataset, 'train', log);
    // The validation split is carved from the training split and never trained on.
    const heldOut = heldOutIndices(data.dataset, train);
    const { rest, held } = splitOff(train, heldOut.indices);
    const provenance = [train.provenance, heldOut.provenance];
    let test: LabelledImages;
    if (evalCfg.split === 'val') {
      test = held;
    } else {
      const t = loadSplit(data.dataset, 'test', log);
      if (t.provenance.name !== train.provenance.name) provenance.push(t.provenance);
      test = evalCfg.testPerClass ? balancedSubset(t, evalCfg.testPerClass) : t;
    }
    this.provenance = provenance;
    this.evalName = evalCfg.split === 'val' ? heldOut.provenance.name : data.dataset;
    this.train = data.trainPerClass ? balancedSubset(rest, data.trainPerClass) : rest;
    // The student's view of the test images (lrFactor > 1: shrunk once by bicubic imresize).
    this.test = shrinkAll(test, data.lrFactor ?? 1, `config.data.lrFactor of ${data.dataset}`);
    // Statistics of the full-size training images, used for both views (the released pixel
    // distillation code normalises both with one mean/std too).
    this.stats = channelStats(this.train);
    this.flopsInputHw = [this.test.height, this.test.width];
    this.tags = {
      'kdlab.dataset': data.dataset,
      'kdlab.train_images': String(this.train.labels.length),
      'kdlab.test_images': String(this.test.labels.length),
      'kdlab.val_data': heldOut.provenance.name,
      'kdlab.eval_split': evalCfg.split === 'val' ? `val: ${heldOut.provenance.name}` : `test: ${data.dataset}`,
      'kdlab.metric_convention': CLS_CONVENTION,
      ...(data.lrFactor && data.lrFactor > 1 ? { 'kdlab.input_resolution': `student ${this.test.height}x${this.test.width} (bicubic imresize 1/${data.lrFactor}), teacher ${train.height}x${train.width}` } : {}),
    };
  }

  datasets() {
    return this.provenance;
  }

  trainStream(rng: Rng): BatchStream {
    return new ClassificationBatches(this.train, { batch: this.data.batch, augment: this.data.augment, stats: this.stats, lrFactor: this.data.lrFactor }, rng);
  }

  /** Normalised test images [from, from+n) as a tensor. */
  private testBatch(from: number, n: number): Tensor {
    const { height: h, width: w, channels: c, images } = this.test;
    const per = h * w * c;
    const values = new Float32Array(n * per);
    normaliseInto(images.subarray(from * per, (from + n) * per), c, this.stats, values);
    return tf.tensor4d(values, [n, h, w, c]);
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (predictor.kind !== 'model') throw new Error(`classification task: no baseline ${JSON.stringify(predictor.name)} (it has none)`);
    const classes = this.test.classes.length;
    const total = this.test.labels.length;
    let counts: AccuracyCounts | undefined;
    for (let from = 0; from < total; from += this.evalCfg.batch) {
      const n = Math.min(this.evalCfg.batch, total - from);
      const logits = tf.tidy(() => predictor.predict(this.testBatch(from, n)));
      counts ??= emptyCounts(classes, peersOf(logits.shape[logits.shape.length - 1]!, classes));
      countBatch(counts, logits.dataSync() as Float32Array, this.test.labels.subarray(from, from + n), classes);
      logits.dispose();
      onProgress?.(from + n, total);
    }
    return accuracyResult(this.evalName, counts!, this.test.classes);
  }

  dispose(): void {
    // Plain typed arrays; nothing to release.
  }
}

export function accuracyResult(dataset: string, counts: AccuracyCounts, classes: readonly string[]): EvalResult {
  const pct = (k: number) => (100 * k) / counts.total;
  const peers = counts.correct.map(pct);
  const metrics: Record<string, number> = { [clsMetricKey(dataset, 'top1')]: peers.reduce((a, b) => a + b, 0) / peers.length };
  if (peers.length > 1) {
    peers.forEach((v, p) => (metrics[clsMetricKey(dataset, peerMetric(p))] = v));
    metrics[clsMetricKey(dataset, ENSEMBLE_METRIC)] = pct(counts.ensembleCorrect);
  }
  const rows = counts.perClass.map((c, k) => ({ class: classes[k], images: c.total, top1: c.total ? (100 * c.correct) / c.total : 0 }));
  return { metrics, files: { [PER_CLASS_FILE]: { classes: rows } } };
}

export const classificationTask: Task<ClsData, ClsEval> = {
  name: 'classification',
  dataSchema: clsDataSchema,
  evalSchema: clsEvalSchema,
  modelSpec(spec, data) {
    const classes = 10;
    const inputChannels = data.dataset === 'fashion-mnist' ? 1 : 3;
    for (const [key, value] of [['numClasses', classes], ['inputChannels', inputChannels]] as const) {
      if (spec[key] !== undefined && spec[key] !== value) {
        throw new Error(`model ${spec.arch}: ${key} ${String(spec[key])} differs from what config.data.dataset ${data.dataset} needs (${value})`);
      }
    }
    return { ...spec, numClasses: classes, inputChannels };
  },
  async create(data, evalCfg) {
    return new ClassificationTaskInstance(data, evalCfg, (line) => process.stderr.write(`${line}\n`));
  },
};
