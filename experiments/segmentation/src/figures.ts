// The report's qualitative figure: one GlaS test image, its ground truth, and the
// predictions of two finished runs (the student alone and the distilled student),
// each as a tinted overlay, side by side in one PNG (at the working resolution).
import * as fs from 'fs';
import * as path from 'path';
import { buildBackbone } from '@kdlab/backbones';
import { writeImage, type Image } from '@kdlab/data';
import type { LayersModel, Tensor } from '@kdlab/engine';
import { loadModelWeights, readConfigFile, type FigureContext, type ReproductionFigure, type RunResult } from '@kdlab/runner';
import { channelStats, loadGlas, type GlasImage } from './data/glas';
import { downsampleMask, predictMask } from './evaluate';
import { segEvalSchema, segDataSchema } from './schema';
import type { GlasSplit } from './schema';

/** RGB with the 0/1 mask tinted (green, 45 %) and its boundary drawn (dark green). */
export function overlay(img: Image, mask: Uint8Array): Image {
  const { height: h, width: w } = img;
  const out = Uint8Array.from(img.data);
  const tint = [40, 200, 60];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    if (!mask[p]) continue;
    const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1 || !mask[p - 1] || !mask[p + 1] || !mask[p - w] || !mask[p + w];
    for (let c = 0; c < 3; c++) out[p * 3 + c] = edge ? [0, 90, 20][c] : Math.round(0.55 * out[p * 3 + c] + 0.45 * tint[c]);
  }
  return { data: out, height: h, width: w, channels: 3 };
}

/** Panels side by side with a 4-px white gap. */
export function sideBySide(panels: Image[]): Image {
  const h = Math.max(...panels.map((p) => p.height));
  const gap = 4;
  const w = panels.reduce((a, p) => a + p.width, 0) + gap * (panels.length - 1);
  const data = new Uint8Array(h * w * 3).fill(255);
  let x0 = 0;
  for (const p of panels) {
    for (let y = 0; y < p.height; y++) data.set(p.data.subarray(y * p.width * 3, (y + 1) * p.width * 3), (y * w + x0) * 3);
    x0 += p.width + gap;
  }
  return { data, height: h, width: w, channels: 3 };
}

/** The predicted mask of a finished run's final model on `g` (original resolution). */
function runPrediction(run: RunResult, g: GlasImage, stats: { mean: number[]; std: number[] }): Uint8Array {
  const config = readConfigFile(path.join(run.runDir, 'config.resolved.yaml')) as { student: { model: Record<string, unknown> & { arch: string } }; eval: unknown };
  const evalCfg = segEvalSchema.parse(config.eval);
  const model: LayersModel = buildBackbone({ ...config.student.model, numClasses: 2, inputChannels: 3 }, 0);
  try {
    loadModelWeights(path.join(run.runDir, 'final'), model);
    return predictMask(g, (x: Tensor) => model.predict(x) as Tensor, stats, { tile: evalCfg.tile, overlap: evalCfg.overlap, batch: evalCfg.batch });
  } finally {
    model.dispose();
  }
}

export async function overlayFigure(ctx: FigureContext, opts: { image: string; baseline: string; distilled: string }): Promise<ReproductionFigure[]> {
  const runs = [opts.baseline, opts.distilled].map((m) => ctx.results.find((r) => r.method === m));
  if (runs.some((r) => !r)) {
    ctx.log(`figures: skipped (needs finished runs of '${opts.baseline}' and '${opts.distilled}')`);
    return [];
  }
  const config = readConfigFile(path.join(runs[0]!.runDir, 'config.resolved.yaml')) as { data: unknown };
  const data = segDataSchema.parse(config.data);
  const split = opts.image.split('_')[0] as GlasSplit;
  const index = Number(opts.image.split('_')[1]);
  const g = loadGlas(split, data.downsample, index)[index - 1];
  const stats = channelStats(loadGlas('train', data.downsample, data.trainLimit));
  const [base, dist] = runs.map((r) => runPrediction(r!, g, stats));
  // Panels at the working resolution (masks box-downsampled like the image).
  const small = (m: Uint8Array) => downsampleMask(m, g.fullHeight, g.fullWidth, data.downsample).mask;
  const png = path.join(ctx.outDir, 'figures', `${opts.image}-overlay.png`);
  fs.mkdirSync(path.dirname(png), { recursive: true });
  writeImage(png, sideBySide([g.image, overlay(g.image, small(g.fullMask)), overlay(g.image, small(base)), overlay(g.image, small(dist))]));
  ctx.log(`figures: wrote ${png}`);
  return [
    {
      title: `GlaS ${opts.image}: ground truth and predictions`,
      caption: `Left to right: the H&E image (at 1/${data.downsample} resolution), the ground-truth gland mask, the ${opts.baseline} prediction and the ${opts.distilled} prediction (sliding-window inference; glands tinted green, boundaries dark).`,
      file: png,
    },
  ];
}
