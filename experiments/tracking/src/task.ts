// The `siamese-tracking` task: Siamese trackers (SiamFC, SiamRPN) trained on pairs cut from
// the training sequences and still images (pairs.ts), evaluated by tracking the fold's
// held-out sequence online from its first box (tracker.ts) under the OTB protocol (otb/).
// Leave-one-sequence-out: `data.test` names the held-out sequence; the other sequences of
// `data.sequences` train. A cohort model is evaluated on member `eval.member` (its other
// members' scores are logged under eval/member{p}/...).
import type { LayersModel } from '@kdlab/engine';
import { siameseParts, siamesePrefixes } from '@kdlab/backbones';
import type { BatchStream, EvalResult, Predictor, Task, TaskInstance } from '@kdlab/runner';
import type { Rng } from '@kdlab/engine';
import { makeAnchors } from './anchors';
import { METRICS, otbFile, predictionsFile } from './naming';
import { formatBoxes, OTB_CONVENTION, otbScores } from './otb';
import { PairSampler } from './pairs';
import { trackingDataSchema, trackingEvalSchema, type TrackingData, type TrackingEval } from './schema';
import { datasetChecksum, loadSequence } from './sequences';
import { trackSequence } from './tracker';

/** Float32 weights in MB (2^20 bytes). */
export const megabytes = (params: number) => (params * 4) / 2 ** 20;

class TrackingTaskInstance implements TaskInstance {
  /** 'first-box': the first frame's box repeated, i.e. no tracking (a floor for the scores). */
  readonly baselines = ['first-box'] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;

  constructor(private readonly d: TrackingData, private readonly e: TrackingEval) {
    this.flopsInputHw = [d.search, d.search];
    this.tags = {
      'kdlab.metric_convention': OTB_CONVENTION,
      'kdlab.test_sequence': d.test,
      'kdlab.train_data': [...d.sequences.filter((s) => s !== d.test), ...d.stills].join('+'),
      'kdlab.crops': `exemplar ${d.exemplar}, search ${d.search}, context ${d.context}`,
    };
  }

  datasets() {
    return [...new Set([...this.d.sequences, ...this.d.stills])].map(datasetChecksum);
  }

  trainStream(rng: Rng): BatchStream {
    return new PairSampler(this.d, rng);
  }

  private trackWith(model: LayersModel, prefix: string, onProgress?: (done: number, total: number) => void) {
    const parts = siameseParts(model, prefix);
    const seq = loadSequence(this.d.test);
    const count = Math.min(seq.frames.length, this.e.limit ?? Infinity);
    // One short untimed pass first: TensorFlow sets up its kernels on the first calls, which
    // is not tracking speed.
    trackSequence(parts, (i) => seq.frame(i), Math.min(3, count), seq.boxes[0], this.d, this.e);
    const run = trackSequence(parts, (i) => seq.frame(i), count, seq.boxes[0], this.d, this.e, (done) => onProgress?.(done, count));
    const scores = otbScores(seq.boxes.slice(0, count), run.boxes);
    return { seq, parts, run, scores };
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (predictor.kind === 'baseline') return this.firstBox(predictor.name);
    if (!predictor.model) throw new Error('siamese-tracking: evaluation needs the model itself (Predictor.model)');
    const model = predictor.model;
    const prefixes = siamesePrefixes(model);
    const prefix = prefixes[this.e.member];
    if (prefix === undefined) throw new Error(`config.eval.member: ${this.e.member}, but the model has ${prefixes.length} tracker(s)`);
    const { seq, parts, run, scores } = this.trackWith(model, prefix, onProgress);
    const metrics: Record<string, number> = {
      [METRICS.successAuc]: scores.successAuc,
      [METRICS.precision20]: scores.precision20,
      [METRICS.perSequence(seq.name, 'success_auc')]: scores.successAuc,
      [METRICS.perSequence(seq.name, 'precision20')]: scores.precision20,
      [METRICS.fps]: run.fps,
      [METRICS.params]: parts.params,
      [METRICS.mb]: megabytes(parts.params),
      [METRICS.kept]: run.kept,
    };
    const files: Record<string, string | object> = {
      [predictionsFile(seq.name)]: formatBoxes(run.boxes),
      [otbFile(seq.name)]: { sequence: seq.name, member: this.e.member, head: parts.head, frames: scores.frames, successAuc: scores.successAuc, precision20: scores.precision20, successCurve: scores.successCurve, precisionCurve: scores.precisionCurve, fps: run.fps, seconds: run.seconds, params: parts.params, keptFrames: run.kept, boxes: run.boxes },
    };
    // The other members of a cohort, for the record.
    prefixes.forEach((p, m) => {
      if (m === this.e.member) return;
      const other = this.trackWith(model, p);
      metrics[METRICS.member(m, 'success_auc')] = other.scores.successAuc;
      metrics[METRICS.member(m, 'precision20')] = other.scores.precision20;
      metrics[METRICS.member(m, 'fps')] = other.run.fps;
      metrics[METRICS.member(m, 'params')] = other.parts.params;
      files[`member${m}_${predictionsFile(seq.name)}`] = formatBoxes(other.run.boxes);
    });
    return { metrics, files };
  }

  private firstBox(name: string): EvalResult {
    if (name !== 'first-box') throw new Error(`siamese-tracking: unknown baseline ${JSON.stringify(name)} (known: first-box)`);
    const seq = loadSequence(this.d.test);
    const count = Math.min(seq.frames.length, this.e.limit ?? Infinity);
    const boxes = seq.boxes.slice(0, count).map(() => seq.boxes[0]);
    const scores = otbScores(seq.boxes.slice(0, count), boxes);
    return {
      metrics: { [METRICS.successAuc]: scores.successAuc, [METRICS.precision20]: scores.precision20, [METRICS.perSequence(seq.name, 'success_auc')]: scores.successAuc, [METRICS.perSequence(seq.name, 'precision20')]: scores.precision20 },
      files: { [predictionsFile(seq.name)]: formatBoxes(boxes), [otbFile(seq.name)]: { sequence: seq.name, baseline: name, frames: scores.frames, successAuc: scores.successAuc, precision20: scores.precision20, successCurve: scores.successCurve, precisionCurve: scores.precisionCurve, boxes } },
    };
  }

  dispose(): void {
    // Sequences and still images stay cached for the next run of the process.
  }
}

export const trackingTask: Task<TrackingData, TrackingEval> = {
  name: 'siamese-tracking',
  dataSchema: trackingDataSchema,
  evalSchema: trackingEvalSchema,
  modelSpec(spec, data) {
    const fill = (s: Record<string, unknown>, where: string) => {
      if (s.head !== undefined && s.head !== data.head) throw new Error(`${where}.head: ${JSON.stringify(s.head)} differs from config.data.head ${JSON.stringify(data.head)}`);
      const out: Record<string, unknown> = { ...s, head: data.head };
      if (data.head === 'siamrpn') {
        const k = makeAnchors(data.stride, data.ratios, data.scales).length;
        if (s.anchors !== undefined && s.anchors !== k) throw new Error(`${where}.anchors: ${String(s.anchors)}, but data.ratios x data.scales give ${k}`);
        out.anchors = k;
      }
      return out;
    };
    const sizes = (s: Record<string, unknown>) => {
      for (const key of ['exemplar', 'search'] as const) {
        if (s[key] !== undefined && s[key] !== data[key]) throw new Error(`model.${key}: ${String(s[key])} differs from config.data.${key} ${data[key]}`);
      }
      return { exemplar: data.exemplar, search: data.search };
    };
    if (spec.arch === 'siamese') return { ...fill(spec, 'model'), ...sizes(spec), arch: 'siamese' };
    if (spec.arch === 'siamese-cohort') {
      const members = (spec.members as Record<string, unknown>[] | undefined) ?? [];
      return { ...spec, ...sizes(spec), members: members.map((m, i) => fill(m, `model.members[${i}]`)) };
    }
    throw new Error(`model.arch: siamese-tracking trains 'siamese' or 'siamese-cohort' models, got ${JSON.stringify(spec.arch)}`);
  },
  async create(data, evalCfg) {
    return new TrackingTaskInstance(data, evalCfg);
  },
};
