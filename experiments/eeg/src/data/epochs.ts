// Trials (epochs) cut from a band-passed run at its T1/T2 cues.
import { labelOf, SFREQ, type ClassSet, type Recording } from './eegmmidb';

export interface Epochs {
  /** [n, electrodes, samples] row-major. */
  x: Float32Array;
  /** Class index per trial. */
  y: Int32Array;
  n: number;
  electrodes: number;
  samples: number;
  /** Run of each trial. */
  runs: number[];
}

export interface EpochOptions {
  classes: ClassSet;
  /** Window [start, end) in seconds from the cue. */
  window: [number, number];
  /** Interval [start, end) in seconds from the cue whose per-channel mean is subtracted, or null. */
  baseline: [number, number] | null;
}

export function samplesOf(window: [number, number]): number {
  return Math.round((window[1] - window[0]) * SFREQ);
}

/** Cuts the labelled trials of `filtered` (one band-passed signal per electrode of `rec`). */
export function cutEpochs(rec: Recording, filtered: Float32Array[], o: EpochOptions): Epochs {
  const samples = samplesOf(o.window);
  const electrodes = filtered.length;
  const length = filtered[0].length;
  const picked = rec.annotations
    .map((a) => ({ a, label: labelOf(o.classes, rec.run, a.description) }))
    .filter((p): p is { a: typeof p.a; label: number } => p.label !== undefined);
  const x: number[][] = [];
  const y: number[] = [];
  for (const { a, label } of picked) {
    const start = Math.round((a.onset + o.window[0]) * SFREQ);
    const b0 = o.baseline ? Math.round((a.onset + o.baseline[0]) * SFREQ) : 0;
    const b1 = o.baseline ? Math.round((a.onset + o.baseline[1]) * SFREQ) : 0;
    // A cue too close to the end (or start) of the run has no whole window: skipped, as MNE drops it.
    if (start < 0 || start + samples > length || (o.baseline && (b0 < 0 || b1 > length || b1 <= b0))) continue;
    const trial: number[] = [];
    for (let c = 0; c < electrodes; c++) {
      const s = filtered[c];
      let base = 0;
      if (o.baseline) {
        for (let t = b0; t < b1; t++) base += s[t];
        base /= b1 - b0;
      }
      for (let t = 0; t < samples; t++) trial.push(s[start + t] - base);
    }
    x.push(trial);
    y.push(label);
  }
  const out = new Float32Array(x.length * electrodes * samples);
  x.forEach((t, i) => out.set(t, i * electrodes * samples));
  return { x: out, y: Int32Array.from(y), n: x.length, electrodes, samples, runs: x.map(() => rec.run) };
}

export function concatEpochs(parts: Epochs[]): Epochs {
  const { electrodes, samples } = parts[0];
  const n = parts.reduce((a, p) => a + p.n, 0);
  const x = new Float32Array(n * electrodes * samples);
  const y = new Int32Array(n);
  let k = 0;
  for (const p of parts) {
    x.set(p.x, k * electrodes * samples);
    y.set(p.y, k);
    k += p.n;
  }
  return { x, y, n, electrodes, samples, runs: parts.flatMap((p) => p.runs) };
}
