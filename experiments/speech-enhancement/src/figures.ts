// The report's qualitative figure: log-magnitude spectrograms of one evaluation utterance,
// stacked top to bottom: noisy input, the student alone, the student with MV-AT, and the
// clean reference (each run saved the utterance as eval/example.json).
import * as fs from 'fs';
import * as path from 'path';
import { writeImage, type Image } from '@kdlab/data';
import type { FigureContext, ReproductionFigure } from '@kdlab/runner';
import { hanningNoZeros, powerSpectrum } from './metrics/dsp';
import { EXAMPLE_FILE } from './naming';

interface Example {
  name: string;
  rate: number;
  clean: number[];
  noisy: number[];
  enhanced: number[];
}

const FFT = 512;
const HOP = 128;
const FLOOR_DB = -80;

/** dB magnitude [bins][frames] (512-point Hann frames, hop 128: 32 ms / 8 ms at 16 kHz). */
export function spectrogramDb(x: ArrayLike<number>): Float64Array[] {
  const w = hanningNoZeros(FFT);
  const frames: Float64Array[] = [];
  for (let s = 0; s + FFT <= x.length; s += HOP) {
    const f = new Float64Array(FFT);
    for (let i = 0; i < FFT; i++) f[i] = x[s + i] * w[i];
    frames.push(powerSpectrum(f, FFT).map((p) => Math.max(FLOOR_DB, 10 * Math.log10(p + 1e-12))));
  }
  return Array.from({ length: FFT / 2 + 1 }, (_, k) => Float64Array.from(frames, (f) => f[k]));
}

/** A perceptually ordered dark-blue -> yellow ramp (viridis-like, 5 stops, linear in between). */
function colour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] * (1 - f) + stops[i + 1][c] * f)) as [number, number, number];
}

/** Panels stacked vertically (low frequencies at the bottom), a 4-pixel white gap between them. */
export function spectrogramImage(panels: Float64Array[][], maxDb: number): Image {
  const bins = panels[0].length;
  const width = Math.min(...panels.map((p) => p[0].length));
  const gap = 4;
  const height = panels.length * bins + (panels.length - 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  panels.forEach((spec, p) => {
    for (let k = 0; k < bins; k++) {
      const y = p * (bins + gap) + (bins - 1 - k);
      for (let x = 0; x < width; x++) {
        const [r, g, b] = colour((spec[k][x] - (maxDb - 80)) / 80);
        const o = (y * width + x) * 3;
        data[o] = r;
        data[o + 1] = g;
        data[o + 2] = b;
      }
    }
  });
  return { data, height, width, channels: 3 };
}

export async function spectrogramFigures(ctx: FigureContext, methods: string[]): Promise<ReproductionFigure[]> {
  const examples = new Map<string, Example>();
  for (const res of ctx.results) {
    if (!methods.includes(res.method) || examples.has(res.method)) continue;
    const file = path.join(res.runDir, 'eval', EXAMPLE_FILE);
    if (!fs.existsSync(file)) {
      ctx.log(`figures: ${file} is missing; ${res.method} is left out of the spectrogram`);
      continue;
    }
    examples.set(res.method, JSON.parse(fs.readFileSync(file, 'utf8')) as Example);
  }
  const first = examples.get(methods[0]) ?? [...examples.values()][0];
  if (!first) return [];
  for (const [m, ex] of examples) if (ex.name !== first.name) throw new Error(`figures: ${m} saved ${ex.name}, the others ${first.name}`);
  const shown = methods.filter((m) => examples.has(m));
  const panels = [...shown.map((m) => spectrogramDb(examples.get(m)!.enhanced)), spectrogramDb(first.clean)];
  const maxDb = Math.max(...panels.flatMap((p) => p.map((row) => Math.max(...row))));
  const dir = path.join(ctx.outDir, 'figures');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'spectrogram.png');
  writeImage(file, spectrogramImage(panels, maxDb));
  return [
    {
      title: `Spectrograms of ${first.name}`,
      caption: `Top to bottom: ${[...shown, 'clean reference'].join(' / ')}. Log magnitude (512-point Hann frames, hop 8 ms, 0-8 kHz bottom to top, 80 dB range), one real VoiceBank-DEMAND test utterance.`,
      file,
    },
  ];
}
