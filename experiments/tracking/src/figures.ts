// The report's figures for a tracking reproduction: the OTB success and precision plots
// (vega-lite, one line per table row: its curves averaged over the leave-one-sequence-out
// folds, as got10k averages sequences) and, per sequence, one frame with the ground truth and
// the boxes of the teacher and the students drawn (PNG).
import * as fs from 'fs';
import * as path from 'path';
import { toRgb, writeImage, type Image } from '@kdlab/data';
import type { FigureContext, ReproductionFigure, RunResult } from '@kdlab/runner';
import { meanOverSequences, PRECISION_THRESHOLDS, SUCCESS_THRESHOLDS, type Box, type OtbScores } from './otb';
import { loadSequence } from './sequences';

interface RunCurves extends OtbScores {
  sequence: string;
  boxes: Box[];
}

function curvesOf(run: RunResult): RunCurves | undefined {
  const dir = path.join(run.runDir, 'eval');
  if (!fs.existsSync(dir)) return undefined;
  const file = fs.readdirSync(dir).find((f) => /^otb_.*\.json$/.test(f));
  return file ? (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as RunCurves) : undefined;
}

/** Draws the outline of an OTB box (1-based) `thick` pixels wide. */
export function drawBox(img: Image, box: Box, colour: [number, number, number], thick = 2): void {
  const x0 = Math.round(box[0] - 1);
  const y0 = Math.round(box[1] - 1);
  const x1 = Math.round(box[0] + box[2] - 2);
  const y1 = Math.round(box[1] + box[3] - 2);
  const set = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const at = (y * img.width + x) * 3;
    img.data[at] = colour[0];
    img.data[at + 1] = colour[1];
    img.data[at + 2] = colour[2];
  };
  for (let t = 0; t < thick; t++) {
    for (let x = x0; x <= x1; x++) {
      set(x, y0 + t);
      set(x, y1 - t);
    }
    for (let y = y0; y <= y1; y++) {
      set(x0 + t, y);
      set(x1 - t, y);
    }
  }
}

const COLOURS: Record<string, [number, number, number]> = {
  'ground truth': [255, 255, 255],
  teacher: [230, 40, 40],
  'S1 alone': [40, 120, 255],
  'S1 + TS + sharing': [255, 210, 0],
};

export async function figures(ctx: FigureContext): Promise<ReproductionFigure[]> {
  const byMethod = new Map<string, RunCurves[]>();
  for (const r of ctx.results) {
    const c = curvesOf(r);
    if (c) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), c]);
  }
  const success: object[] = [];
  const precision: object[] = [];
  for (const [method, runs] of byMethod) {
    const mean = meanOverSequences(runs);
    const label = `${method} [${mean.successAuc.toFixed(3)}]`;
    SUCCESS_THRESHOLDS.forEach((t, i) => success.push({ method: label, threshold: t, rate: mean.successCurve[i] }));
    const plabel = `${method} [${mean.precision20.toFixed(3)}]`;
    PRECISION_THRESHOLDS.forEach((t, i) => precision.push({ method: plabel, threshold: t, rate: mean.precisionCurve[i] }));
  }
  const plot = (values: object[], x: string, title: string) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    height: 300,
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'threshold', type: 'quantitative', title: x },
      y: { field: 'rate', type: 'quantitative', title: title.startsWith('Success') ? 'success rate' : 'precision', scale: { domain: [0, 1] } },
      color: { field: 'method', type: 'nominal', title: 'method [score]', legend: { labelLimit: 360 } },
    },
  });
  const out: ReproductionFigure[] = [
    { title: 'Success plot (OPE)', caption: 'Fraction of frames with IoU above each threshold, averaged over the three leave-one-sequence-out folds; [AUC] in the legend.', vegaLite: plot(success, 'overlap threshold (IoU)', 'Success plots of OPE') },
    { title: 'Precision plot (OPE)', caption: 'Fraction of frames with centre error within each threshold (px), averaged over the folds; [precision at 20 px] in the legend.', vegaLite: plot(precision, 'location error threshold (px)', 'Precision plots of OPE') },
  ];

  // One frame per sequence: the middle frame, ground truth and three trackers.
  const dir = path.join(ctx.outDir, 'figures');
  fs.mkdirSync(dir, { recursive: true });
  const pick = (method: string, seq: string) => byMethod.get(method)?.find((c) => c.sequence === seq);
  const methodOf = (prefix: string) => [...byMethod.keys()].find((m) => m.startsWith(prefix));
  const shown: [string, string | undefined][] = [
    ['teacher', methodOf('teacher')],
    ['S1 alone', methodOf('S1 (thin) alone')],
    ['S1 + TS + sharing', methodOf('S1 + TS + knowledge sharing')],
  ];
  const sequences = [...new Set([...byMethod.values()].flat().map((c) => c.sequence))].sort();
  for (const name of sequences) {
    const seq = loadSequence(name);
    const i = Math.floor(seq.frames.length / 2);
    const img = toRgb(seq.frame(i));
    const canvas: Image = { ...img, data: Uint8Array.from(img.data) };
    drawBox(canvas, seq.boxes[i], COLOURS['ground truth']);
    const legend: string[] = ['ground truth (white)'];
    for (const [label, method] of shown) {
      const c = method ? pick(method, name) : undefined;
      if (!c || !c.boxes[i]) continue;
      drawBox(canvas, c.boxes[i], COLOURS[label]);
      legend.push(`${label} (${label === 'teacher' ? 'red' : label === 'S1 alone' ? 'blue' : 'yellow'})`);
    }
    const file = path.join(dir, `${name}.png`);
    writeImage(file, canvas);
    out.push({ title: `${name}, frame ${i + 1}`, caption: `Frame ${i + 1} of ${seq.frames.length} (held out in its fold): ${legend.join(', ')}.`, file });
  }
  ctx.log(`figures: ${out.length} (success and precision plots, ${sequences.length} frames)`);
  return out;
}
