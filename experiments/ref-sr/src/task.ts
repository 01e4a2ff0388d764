// The `ref-sr` task: reference-based SR x4 with C2-Matching (issue 12). Two stages share it
// (config.data.stage): the contrastive correspondence network (teacher on HR, student on LR-up, trained on
// random-homography pairs of T91 + BSD200) and the restoration network (LR + reference + the frozen
// matcher's correspondences → SR). Evaluation: correspondence accuracy on graf1/graf3 against H1to3p, or
// PSNR/SSIM (Y, border 4) on the opencv-doc pairs' input views (./evaluate.ts). Baseline: 'bicubic'.
import * as fs from 'fs';
import * as path from 'path';
import type { LayersModel, Rng } from '@kdlab/engine';
import { buildBackbone, VIEW1_DESCRIPTORS } from '@kdlab/backbones';
import { datasetDigest, heldOutSha256s, loadManifest, loadSrPairs, repoRoot, verifyDataset, type Image, type SrPair } from '@kdlab/data';
import { SR_CONVENTION } from '@kdlab/metrics';
import { loadModelWeights, readWeightsDir, type BatchStream, type EvalResult, type Predictor, type Task, type TaskInstance } from '@kdlab/runner';
import { refSrDataSchema, refSrEvalSchema, type RefSrData, type RefSrEval } from './schema';
import { refSrStream } from './train-stream';
import { evaluateCorrespondence, evaluateRestoration } from './evaluate';

const OPENCV_DOC = 'opencv-doc-pairs';

// One process (a reproduction) reads the same sets many times: load each once.
const hrCache = new Map<string, SrPair[]>();
const hrPairsOf = (name: string, scale: number) => hrCache.get(name) ?? hrCache.set(name, loadSrPairs(name, scale)).get(name)!;


/** A finished correspondence run's weights folder → the frozen matcher (its spec is in state.json). */
export function loadMatcher(dir: string): LayersModel {
  const abs = path.resolve(repoRoot(), dir);
  if (!fs.existsSync(path.join(abs, 'tensors.json'))) {
    throw new Error(`ref-sr task: config.data.matcher.dir ${dir} (${abs}) holds no weights; run the correspondence row first (its run dir's final/)`);
  }
  const spec = readWeightsDir(abs).state.spec as { arch?: string } | undefined;
  if (!spec?.arch) throw new Error(`ref-sr task: ${abs}/state.json has no model spec (state.spec.arch)`);
  const model = buildBackbone(spec as { arch: string }, 0);
  if (!model.layers.some((l) => l.name === VIEW1_DESCRIPTORS)) throw new Error(`ref-sr task: config.data.matcher.dir ${dir}: model ${spec.arch} is not a two-view correspondence network (no layer ${VIEW1_DESCRIPTORS})`);
  loadModelWeights(abs, model);
  model.trainable = false;
  return model;
}

class RefSrTaskInstance implements TaskInstance {
  readonly baselines = ['bicubic'] as const;
  readonly flopsInputHw: [number, number];
  readonly tags: Record<string, string>;
  readonly trainImages: Image[];
  readonly valImages?: Image[];
  readonly matcher?: LayersModel;

  constructor(private readonly data: RefSrData, private readonly ev: RefSrEval) {
    const heldOut = heldOutSha256s(data.val ?? [], 'ref-sr task');
    const pairs = data.train.flatMap((name) => hrPairsOf(name, data.scale)).filter((p) => !heldOut.has(p.sha256) && p.hr.height >= data.crop && p.hr.width >= data.crop);
    this.trainImages = (data.trainLimit ? pairs.slice(0, data.trainLimit) : pairs).map((p) => p.hr);
    if (this.trainImages.length === 0) throw new Error(`ref-sr task: no training image of at least ${data.crop} px left in ${data.train.join('+')} after leaving out ${(data.val ?? []).join('+')}`);
    if (data.val) this.valImages = data.val.flatMap((name) => hrPairsOf(name, data.scale)).map((p) => p.hr).filter((im) => im.height >= data.crop && im.width >= data.crop);
    if (data.stage === 'restoration' && data.reference) {
      if (!data.matcher) throw new Error('ref-sr task: config.data.matcher.dir is required when config.data.stage is restoration and config.data.reference is true');
      this.matcher = loadMatcher(data.matcher.dir);
    }
    // Correspondence: the views of an 800x640 pair (graf); restoration: the LR grid of a 1280x720 output.
    this.flopsInputHw = data.stage === 'correspondence' ? [640, 800] : [180, 320];
    this.tags = {
      'kdlab.scale': String(data.scale),
      'kdlab.stage': data.stage,
      'kdlab.train_data': data.train.join('+'),
      'kdlab.train_images': String(this.trainImages.length),
      'kdlab.train_pairs': `random homography (corners moved by 0..${data.maxShift} px) of ${data.crop} px crops${data.stage === 'restoration' ? ' + photometric change of the reference (a stand-in for CUFED)' : ''}`,
      'kdlab.view1': data.stage === 'correspondence' ? data.view1 : 'lr',
      'kdlab.metric_convention': data.stage === 'correspondence'
        ? `correspondence accuracy on ${ev.correspondencePair} vs its ground-truth homography: fraction of matches within ${ev.thresholds.join('/')} px (every ${ev.queryStride}th feature cell queried, cell (i, j) at pixel (4j, 4i))`
        : `${SR_CONVENTION} (here: channel ${ev.channel}, crop ${ev.crop}); centre ${ev.window} px window of each opencv-doc input view, LR = MATLAB bicubic x1/4`,
      'kdlab.eval_split': ev.split === 'val' ? `val: ${data.val!.join('+')} (synthetic pairs)` : `test: opencv-doc ${data.stage === 'correspondence' ? ev.correspondencePair : ev.pairs.join(', ')}`,
      ...(data.matcher ? { 'kdlab.matcher': data.matcher.dir } : {}),
    };
  }

  datasets() {
    const sr = [...new Set([...this.data.train, ...(this.data.val ?? []), ...this.ev.synthetic])].map((name) => verifyDataset(name));
    // opencv-doc lives outside the data root (the package or .cache, libs/data opencvDocDir): loadRefPair checks
    // every file it reads against the manifest; here the manifest's digest is recorded.
    const m = loadManifest(OPENCV_DOC);
    return [...sr, { name: OPENCV_DOC, files: m.files.length, sha256: datasetDigest(m) }];
  }

  trainStream(rng: Rng): BatchStream {
    return refSrStream(this.trainImages, this.data, rng, this.matcher);
  }

  async evaluate(predictor: Predictor, onProgress?: (done: number, total: number) => void): Promise<EvalResult> {
    if (this.ev.split === 'val' && !this.valImages?.length) throw new Error("ref-sr task: config.eval.split is 'val' but config.data.val names no validation images");
    if (this.data.stage === 'correspondence') {
      if (predictor.kind !== 'model' || !predictor.model) throw new Error('ref-sr task: the correspondence stage evaluates a model (no baseline)');
      const sets = this.ev.split === 'val'
        ? [{ name: 'val', images: this.valImages!.slice(0, this.ev.valPairs) }]
        : this.ev.synthetic.map((name) => ({ name: `${name}-homography`, images: hrPairsOf(name, this.data.scale).map((p) => p.hr) }));
      return evaluateCorrespondence(predictor.model, this.data, this.ev, sets);
    }
    return evaluateRestoration(predictor, this.data, this.ev, this.matcher, this.valImages, onProgress);
  }

  dispose(): void {
    this.matcher?.dispose();
  }
}

export const refSrTask: Task<RefSrData, RefSrEval> = {
  name: 'ref-sr',
  dataSchema: refSrDataSchema,
  evalSchema: refSrEvalSchema,
  modelSpec(spec, data) {
    // The restoration network's reference branch follows the data (the stream feeds LR alone without it).
    if (spec.arch === 'c2-restoration' || spec.arch.startsWith('c2-restoration-')) {
      if (spec.reference !== undefined && spec.reference !== data.reference) throw new Error(`model ${spec.arch}: reference ${String(spec.reference)} differs from config.data.reference ${data.reference}`);
      return { ...spec, reference: data.reference };
    }
    return spec;
  },
  async create(data, ev) {
    if (ev.split === 'val' && !data.val) throw new Error("ref-sr task: config.eval.split is 'val' but config.data.val names no validation split (e.g. [T91-BSD200-val])");
    return new RefSrTaskInstance(data, ev);
  },
};
