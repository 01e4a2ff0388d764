// The `eeg-mi` task: motor-imagery trials of one EEGMMIDB subject, one cross-run fold (data/folds.ts),
// band-passed, epoched and standardised (data/load.ts); evaluation = accuracy and Cohen's kappa on
// the fold's test run(s), and on its validation run(s) for model selection by the user.
// Models take [N, 64, samples, 1] (the full cap); a low-density student keeps its montage with the
// backbone option `electrodes`, which `modelSpec` fills from `montage: <name>` in the config.
import { tf } from '@kdlab/engine';
import type { Rng } from '@kdlab/engine';
import type { BatchStream, EvalResult, ModelSpec, Predictor, Task, TaskInstance } from '@kdlab/runner';
import { EpochBatches } from './data/batches';
import { CLASS_NAMES } from './data/eegmmidb';
import type { Epochs } from './data/epochs';
import { samplesOf } from './data/epochs';
import { describeFold } from './data/folds';
import { loadFold, type FoldData } from './data/load';
import { eegConvention, scoreLabels } from './metrics';
import { EEGMMIDB_CHANNELS, montage, montageIndices } from './montages';
import { eegMetricKey, type EegSplit } from './naming';
import { eegDataSchema, eegEvalSchema, type EegData, type EegEval } from './schema';
import { verifyDataset } from '@kdlab/data';

const verified = new Map<string, ReturnType<typeof verifyDataset>>();
/** verifyDataset once per process (a reproduction creates the task for every run). */
function verifiedSubject(subject: string): ReturnType<typeof verifyDataset> {
  const name = `eegmmidb-${subject}`;
  let v = verified.get(name);
  if (!v) {
    v = verifyDataset(name);
    verified.set(name, v);
  }
  return v;
}

export class EegTaskInstance implements TaskInstance {
  readonly baselines = [] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  readonly data: FoldData;
  private readonly classes: number;

  constructor(private readonly d: EegData, private readonly evalCfg: EegEval) {
    this.data = loadFold(d);
    this.classes = CLASS_NAMES[d.classes].length;
    this.flopsInputHw = [EEGMMIDB_CHANNELS.length, samplesOf(d.window)];
    this.tags = {
      'kdlab.dataset': `eegmmidb-${d.subject}`,
      'kdlab.protocol': `within-subject cross-run, fold ${d.fold}: ${describeFold(this.data.fold)}`,
      'kdlab.eeg_trials': `train ${this.data.train.n}, val ${this.data.val.n}, test ${this.data.test.n}`,
      'kdlab.metric_convention': eegConvention(d),
    };
  }

  datasets() {
    // The subject's manifest (datasets/eegmmidb-<subject>.json): every file checked against it.
    return [verifiedSubject(this.d.subject)];
  }

  trainStream(rng: Rng): BatchStream {
    return new EpochBatches(this.data.train, this.classes, this.d.batch, rng);
  }

  private predictAll(predictor: Extract<Predictor, { kind: 'model' }>, e: Epochs): number[] {
    const per = e.electrodes * e.samples;
    const out: number[] = [];
    for (let from = 0; from < e.n; from += this.evalCfg.batch) {
      const n = Math.min(this.evalCfg.batch, e.n - from);
      const logits = tf.tidy(() => predictor.predict(tf.tensor4d(e.x.subarray(from * per, (from + n) * per), [n, e.electrodes, e.samples, 1])));
      const pred = tf.tidy(() => logits.argMax(-1));
      out.push(...(pred.dataSync() as Int32Array));
      tf.dispose([logits, pred]);
    }
    return out;
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (predictor.kind !== 'model') throw new Error(`eeg-mi task: no baseline ${JSON.stringify(predictor.name)} (it has none)`);
    const metrics: Record<string, number> = {};
    const files: Record<string, object> = {};
    const splits: [EegSplit, Epochs][] = [['test', this.data.test], ...(this.data.val.n > 0 ? [['val', this.data.val] as [EegSplit, Epochs]] : [])];
    splits.forEach(([split, e], i) => {
      const pred = this.predictAll(predictor, e);
      const s = scoreLabels(e.y, pred, this.classes);
      metrics[eegMetricKey(this.d.subject, split, 'accuracy')] = s.accuracy;
      metrics[eegMetricKey(this.d.subject, split, 'kappa')] = s.kappa;
      files[`${split}.json`] = { runs: split === 'test' ? this.data.fold.test : this.data.fold.val, classes: CLASS_NAMES[this.d.classes], trials: s.n, accuracy: s.accuracy, kappa: s.kappa, confusion: s.confusion };
      onProgress?.(i + 1, splits.length);
    });
    return { metrics, files };
  }

  dispose(): void {
    // Typed arrays only.
  }
}

export const eegTask: Task<EegData, EegEval> = {
  name: 'eeg-mi',
  dataSchema: eegDataSchema,
  evalSchema: eegEvalSchema,
  modelSpec(spec: ModelSpec, d: EegData): ModelSpec {
    const { montage: name, ...rest } = spec as ModelSpec & { montage?: unknown };
    const filled: Record<string, unknown> = { ...rest, chans: EEGMMIDB_CHANNELS.length, samples: samplesOf(d.window), numClasses: CLASS_NAMES[d.classes].length };
    for (const key of ['chans', 'samples', 'numClasses'] as const) {
      if (rest[key] !== undefined && rest[key] !== filled[key]) throw new Error(`model ${spec.arch}: ${key} ${String(rest[key])} differs from what config.data needs (${String(filled[key])})`);
    }
    if (name !== undefined) {
      if (typeof name !== 'string') throw new Error(`model ${spec.arch}: montage must be a montage name, got ${JSON.stringify(name)}`);
      if (rest.electrodes !== undefined) throw new Error(`model ${spec.arch}: give montage or electrodes, not both`);
      const m = montage(name);
      // The full montage needs no selection layer.
      if (m.electrodes.length < EEGMMIDB_CHANNELS.length) filled.electrodes = montageIndices(m, EEGMMIDB_CHANNELS, `EEGMMIDB ${d.subject}`);
    }
    return filled as ModelSpec;
  },
  async create(d, evalCfg) {
    return new EegTaskInstance(d, evalCfg);
  },
};
