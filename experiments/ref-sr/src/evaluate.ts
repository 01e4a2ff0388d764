// Evaluation of the `ref-sr` task.
//  - Correspondence (a contras-pair model): on the pair with a ground-truth homography (graf1 → graf3,
//    H1to3p), view 1 as the model sees it (HR, or LR-up for a student) against the HR reference; every
//    `queryStride`-th view-1 cell is matched against all reference cells (./matcher.ts); a cell (i, j) stands
//    at pixel (4j, 4i) in both images (libs/kd two-view.ts); matches whose ground-truth position falls
//    outside the reference are left out; accuracy = fraction within 1, 2, 4 px (libs/metrics). Cells are
//    4 px apart, so 1 and 2 px are only reached when the homography lands near a cell position.
//  - Restoration (bicubic or a c2-restoration model): per opencv-doc pair, the centre window of the input
//    view is the HR ground truth, LR = MATLAB bicubic x1/4 of it, the reference = the same-size centre window
//    of the reference view; PSNR/SSIM on Y (BT.601), 4 border pixels cropped; mean over pairs.
//  - Validation (eval.split val): the same measures on synthetic pairs (random homography) of the validation
//    images, seeded, so configs can be compared without the test pairs.
import { tf, Rng } from '@kdlab/engine';
import type { LayersModel, Tensor, Tensor3D, Tensor4D } from '@kdlab/engine';
import { imresizeBicubic, loadRefPair, randomHomographyPair, tensorToImage, toRgb, type Image, type RefPairName } from '@kdlab/data';
import { correspondenceAccuracy, evaluatePairs, type PointMatch } from '@kdlab/metrics';
import type { EvalResult, Predictor } from '@kdlab/runner';
import type { RefSrData, RefSrEval } from './schema';
import { descriptorsOf, batchFlow, matchCells } from './matcher';
import { restorationInput } from './restoration-input';
import { batchOf, centreWindow, lrOf, packViews, photometricChange, view1Of } from './views';
import { corrKey, corrMedianKey, MATCHES_FILE, OPENCV_MEAN, srKey } from './naming';

const STRIDE = 4;

/** Matches of every `queryStride`-th cell of view 1 in the reference, as pixel positions. */
export function predictMatches(model: LayersModel, view1: Image, reference: Image, queryStride: number): PointMatch[] {
  const views = packViews([view1], [reference]);
  const [d1, d2] = descriptorsOf(model, views);
  const [h1, w1] = d1.shape;
  const w2 = d2.shape[1];
  const queries: number[] = [];
  for (let i = 0; i < h1; i += queryStride) for (let j = 0; j < w1; j += queryStride) queries.push(i * w1 + j);
  const { index } = matchCells(d1, d2, Int32Array.from(queries));
  tf.dispose([views, d1, d2]);
  return queries.map((q, k) => ({ x1: STRIDE * (q % w1), y1: STRIDE * Math.floor(q / w1), x2: STRIDE * (index[k] % w2), y2: STRIDE * Math.floor(index[k] / w2) }));
}

function insideAfter(h: readonly number[], m: PointMatch, width: number, height: number): boolean {
  const w = h[6] * m.x1 + h[7] * m.y1 + h[8];
  const x = (h[0] * m.x1 + h[1] * m.y1 + h[2]) / w;
  const y = (h[3] * m.x1 + h[4] * m.y1 + h[5]) / w;
  return w > 0 && x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1;
}

function scoreMatches(name: string, matches: PointMatch[], h: readonly number[], ref: Image, thresholds: number[], metrics: Record<string, number>): PointMatch[] {
  const kept = matches.filter((m) => insideAfter(h, m, ref.width, ref.height));
  const acc = correspondenceAccuracy(kept, h, thresholds);
  for (const t of acc.within) metrics[corrKey(name, t.threshold)] = t.fraction;
  metrics[corrMedianKey(name)] = acc.medianError;
  metrics[`eval/${name}/corr_matches`] = acc.matches;
  return kept;
}

/**
 * Accuracy on seeded synthetic pairs (a centre crop and its random-homography warp, as in training), each
 * scored against its own homography, every cell queried; fractions pooled over all matches.
 */
export function syntheticAccuracy(model: LayersModel, images: Image[], data: RefSrData, thresholds: number[]): number[] {
  let n = 0;
  const within = thresholds.map(() => 0);
  const rng = new Rng(12345);
  for (const img of images) {
    const crop = centreWindow(img, data.crop, 4);
    const pair = randomHomographyPair(crop, rng, data.maxShift);
    const ms = predictMatches(model, view1Of(data.view1, crop, data.scale), pair.reference, 1).filter((m) => insideAfter(pair.homography, m, crop.width, crop.height));
    const acc = correspondenceAccuracy(ms, pair.homography, thresholds);
    acc.within.forEach((t, k) => (within[k] += t.fraction * acc.matches));
    n += acc.matches;
  }
  return within.map((w) => w / n);
}

/** Synthetic pairs of these images, scored under `name` (validation split, or a test set's images). */
export interface SyntheticSet {
  name: string;
  images: Image[];
}

export function evaluateCorrespondence(model: LayersModel, data: RefSrData, ev: RefSrEval, synthetic: SyntheticSet[]): EvalResult {
  const metrics: Record<string, number> = {};
  const files: Record<string, object> = {};
  for (const set of synthetic) {
    syntheticAccuracy(model, set.images, data, ev.thresholds).forEach((f, k) => (metrics[corrKey(set.name, ev.thresholds[k])] = f));
  }
  if (ev.split === 'val') return { metrics, files };
  const pair = loadRefPair(ev.correspondencePair as RefPairName);
  if (!pair.homography) throw new Error(`ref-sr task: config.eval.correspondencePair ${ev.correspondencePair} has no ground-truth homography (only graf has one)`);
  const hr = toRgb(pair.input);
  const ref = toRgb(pair.reference);
  if (hr.height !== ref.height || hr.width !== ref.width) throw new Error(`ref-sr task: ${pair.inputFile} and ${pair.referenceFile} differ in size; the correspondence network takes equal-size views`);
  // LR-up needs sides divisible by the scale: crop the bottom/right remainder (none for graf's 800x640).
  const view1 = centreWindow(hr, Math.max(hr.height, hr.width), data.scale, hr.height, hr.width);
  const refCropped = centreWindow(ref, Math.max(ref.height, ref.width), data.scale);
  const matches = predictMatches(model, view1Of(data.view1, view1, data.scale), refCropped, ev.queryStride);
  const kept = scoreMatches(ev.correspondencePair, matches, pair.homography, refCropped, ev.thresholds, metrics);
  files[MATCHES_FILE] = { pair: ev.correspondencePair, view1: data.view1, queryStride: ev.queryStride, homography: pair.homography, matches: kept };
  return { metrics, files };
}

/** SR of one LR image (with its same-size-as-HR reference) by a predictor; the model's input width says whether it uses the reference. */
function superResolve(predictor: Predictor, lr: Image, reference: Image, scale: number, matcher: LayersModel | undefined): Image {
  if (predictor.kind === 'baseline') {
    if (predictor.name !== 'bicubic') throw new Error(`ref-sr task: unknown baseline ${predictor.name}`);
    return imresizeBicubic(lr, scale);
  }
  const channels = predictor.model?.inputs[0].shape[3];
  const lrT = batchOf([lr]);
  let input: Tensor4D = lrT;
  if (channels !== 3) {
    if (!matcher) throw new Error('ref-sr task: the model takes a reference but no matcher is loaded (config.data.matcher.dir)');
    const hrSize = imresizeBicubic(lr, scale);
    const views = packViews([hrSize], [reference]);
    const flow = batchFlow(matcher, views);
    const refT = batchOf([reference]);
    input = restorationInput(lrT, refT, flow, scale);
    tf.dispose([views, flow, refT, lrT]);
  }
  const out = tf.tidy(() => (predictor.predict(input) as Tensor).squeeze([0]).clipByValue(0, 1) as Tensor3D);
  input.dispose();
  const img = tensorToImage(out);
  out.dispose();
  return img;
}

export async function evaluateRestoration(
  predictor: Predictor, data: RefSrData, ev: RefSrEval, matcher: LayersModel | undefined, valImages: Image[] | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<EvalResult> {
  const scale = data.scale;
  const samples: { name: string; hr: Image; reference: Image }[] = [];
  if (ev.split === 'val') {
    const rng = new Rng(12345);
    for (const [k, img] of valImages!.slice(0, ev.valPairs).entries()) {
      const hr = centreWindow(img, data.crop, scale);
      samples.push({ name: `val${k}`, hr, reference: photometricChange(randomHomographyPair(hr, rng, data.maxShift).reference, data.photometric, rng) });
    }
  } else {
    for (const name of ev.pairs) {
      const p = loadRefPair(name as RefPairName);
      const input = toRgb(p.input);
      const ref = toRgb(p.reference);
      const h = Math.min(input.height, ref.height);
      const w = Math.min(input.width, ref.width);
      samples.push({ name, hr: centreWindow(input, ev.window, scale, h, w), reference: centreWindow(ref, ev.window, scale, h, w) });
    }
  }
  const scored = samples.map((s, k) => {
    const sr = superResolve(predictor, lrOf(s.hr, scale), s.reference, scale, matcher);
    onProgress?.(k + 1, samples.length);
    return { name: s.name, hr: s.hr, sr };
  });
  const res = evaluatePairs(scored, { channel: ev.channel, crop: ev.crop === 'scale' ? scale : ev.crop });
  const dataset = ev.split === 'val' ? 'val' : OPENCV_MEAN;
  const metrics: Record<string, number> = { [srKey(dataset, 'psnr')]: res.mean.psnr, [srKey(dataset, 'ssim')]: res.mean.ssim };
  if (ev.split === 'test') for (const im of res.images) Object.assign(metrics, { [srKey(im.name, 'psnr')]: im.psnr, [srKey(im.name, 'ssim')]: im.ssim });
  return { metrics, files: { 'sr_x4.json': { images: res.images, mean: res.mean } } };
}

