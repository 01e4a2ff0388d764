// The ct-quick report's qualitative figure: one held-out slice as NDCT / LDCT / student / TSC-Net,
// at each test dose (one row per dose), in the metric's soft-tissue display window. Built from the
// finished runs' final weights and resolved configs, after every row finished.
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { writeImage } from '@kdlab/data';
import { buildBackbone } from '@kdlab/backbones';
import { loadModelWeights, readWeightsDir, type FigureContext, type ReproductionFigure, type RunResult } from '@kdlab/runner';
import { scoreCt } from './metrics';
import { ctDataSchema, ctEvalSchema } from './schema';
import { denoiseSlice } from './task';
import { simulateSet } from './pairs';

const GAP = 4;

/** HU -> 0..255 grey in the window [lo, hi]. */
function windowed(hu: Float32Array, [lo, hi]: [number, number]): Uint8Array {
  return Uint8Array.from(hu, (v) => Math.round((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo) * 255));
}

function modelOf(result: RunResult) {
  const finalDir = path.join(result.runDir, 'final');
  const { state } = readWeightsDir(finalDir);
  const spec = (state as { spec?: { arch: string } }).spec;
  if (!spec) throw new Error(`${finalDir}: no model spec in its state (not a trained student?)`);
  const model = buildBackbone(spec, 0);
  loadModelWeights(finalDir, model);
  return model;
}

/**
 * `rows.tscNet` lists the distilled rows to show, best first: the first one with a finished run is
 * drawn (a reproduction run with `--only` may not include TSC-Net itself); the caption names it.
 */
export async function ctFigures(ctx: FigureContext, rows: { student: string; tscNet: string | string[] }): Promise<ReproductionFigure[]> {
  const find = (method: string) => ctx.results.filter((x) => x.method === method).sort((a, b) => a.seed - b.seed)[0];
  const known = () => [...new Set(ctx.results.map((x) => x.method))].join(', ');
  const student = find(rows.student);
  if (!student) throw new Error(`ct figures: no finished run of '${rows.student}' among ${known()}`);
  const wanted = Array.isArray(rows.tscNet) ? rows.tscNet : [rows.tscNet];
  const distilledLabel = wanted.find((m) => find(m));
  if (!distilledLabel) throw new Error(`ct figures: no finished run of ${wanted.map((m) => `'${m}'`).join(' / ')} among ${known()}`);
  const tsc = find(distilledLabel)!;
  const resolved = parseYaml(fs.readFileSync(path.join(tsc.runDir, 'config.resolved.yaml'), 'utf8')) as { data: unknown; eval: unknown };
  const data = ctDataSchema.parse(resolved.data);
  const window = ctEvalSchema.parse(resolved.eval).window;
  const set = simulateSet(data.test[0], data.downsample, data.simulation, data.testDoses);
  // The held-out slice with the most body in it.
  const at = set.slices.reduce((best, s, i) => (s.body.reduce((a, b) => a + b, 0) > set.slices[best].body.reduce((a, b) => a + b, 0) ? i : best), 0);
  const slice = set.slices[at];
  const n = slice.n;
  const models = [modelOf(student), modelOf(tsc)];
  const width = 4 * n + 3 * GAP;
  const height = data.testDoses.length * n + (data.testDoses.length - 1) * GAP;
  const canvas = new Uint8Array(width * height).fill(255);
  const captions: string[] = [];
  data.testDoses.forEach((dose, row) => {
    const ldct = set.ldct.get(dose)![at];
    const outputs = models.map((m) => denoiseSlice((x) => m.predict(x) as never, ldct, n));
    const panels = [slice.hu, ldct, ...outputs];
    panels.forEach((hu, col) => {
      const g = windowed(hu, window);
      for (let r = 0; r < n; r++) canvas.set(g.subarray(r * n, (r + 1) * n), (row * (n + GAP) + r) * width + col * (n + GAP));
    });
    const scores = [ldct, ...outputs].map((hu) => scoreCt(slice.hu, hu, n, window));
    captions.push(`${Math.round(dose * 100)} % dose (row ${row + 1}): PSNR LDCT ${scores[0].psnr.toFixed(2)} dB, student ${scores[1].psnr.toFixed(2)} dB, ${distilledLabel} ${scores[2].psnr.toFixed(2)} dB`);
  });
  for (const m of models) m.dispose();
  const file = path.join(ctx.outDir, 'figures', 'ct-slice.png');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeImage(file, { data: canvas, height, width, channels: 1 });
  ctx.log(`figure: ${file}`);
  return [{
    title: `Held-out slice ${slice.name} (patient ${slice.patient})`,
    caption: `Left to right: NDCT, simulated LDCT, student, ${distilledLabel}; display window [${window[0]}, ${window[1]}] HU; ${n}x${n} px of ${slice.pixelMm.toFixed(2)} mm. ${captions.join('; ')}.`,
    file,
  }];
}
