// EEGMMIDB (Schalk et al. 2004, BCI2000; Goldberger et al. 2000, PhysioNet): 109 subjects, 14 runs
// each, 64-electrode 10-10 EEG at 160 Hz, EDF+ with T0/T1/T2 annotations. The motor-imagery runs:
//   R04, R08, R12: imagine opening/closing the left (T1) or right (T2) fist
//   R06, R10, R14: imagine opening/closing both fists (T1) or both feet (T2)
// (T0 = rest). A "session" here is one run of each kind in recording order: {R04, R06}, {R08, R10},
// {R12, R14}. Only subject S001 is on this machine.
import * as path from 'path';
import { cleanLabel, dataPath, readEdf, sha256 } from '@kdlab/data';
import * as fs from 'fs';
import { canonicalElectrode, EEGMMIDB_CHANNELS } from '../montages';

export const SFREQ = 160;
export const IMAGERY_RUNS = { lr: [4, 8, 12], ff: [6, 10, 14] } as const;

/** The classification problems: left vs right fist, both fists vs both feet, or all four. */
export type ClassSet = 'lr' | 'ff' | 'four';
export const CLASS_NAMES: Record<ClassSet, string[]> = {
  lr: ['left fist', 'right fist'],
  ff: ['both fists', 'both feet'],
  four: ['left fist', 'right fist', 'both fists', 'both feet'],
};

/** Runs of session `s` (0..2) for a class set. */
export function sessionRuns(classes: ClassSet, s: number): number[] {
  if (classes === 'lr') return [IMAGERY_RUNS.lr[s]];
  if (classes === 'ff') return [IMAGERY_RUNS.ff[s]];
  return [IMAGERY_RUNS.lr[s], IMAGERY_RUNS.ff[s]];
}

/** Label of an annotation in run `run` for a class set, or undefined (rest, or a run outside the set). */
export function labelOf(classes: ClassSet, run: number, description: string): number | undefined {
  const lr = (IMAGERY_RUNS.lr as readonly number[]).includes(run);
  const ff = (IMAGERY_RUNS.ff as readonly number[]).includes(run);
  const k = description === 'T1' ? 0 : description === 'T2' ? 1 : undefined;
  if (k === undefined) return undefined;
  if (classes === 'lr') return lr ? k : undefined;
  if (classes === 'ff') return ff ? k : undefined;
  return lr ? k : ff ? 2 + k : undefined;
}

export interface Recording {
  file: string;
  run: number;
  /** [64][samples] in µV, rows in EEGMMIDB_CHANNELS order. */
  signals: Float32Array[];
  annotations: { onset: number; duration: number | null; description: string }[];
  sha256: string;
}

export function runFile(root: string, subject: string, run: number): string {
  return path.join(dataPath(`${root}/${subject}`), `${subject}R${String(run).padStart(2, '0')}.edf`);
}

/**
 * Reads one run: every channel label must be a known 10-10 electrode (an unknown label is an
 * error naming the file and the label), all 64 present, all at 160 Hz.
 */
export function readRun(root: string, subject: string, run: number): Recording {
  return readRecording(runFile(root, subject, run), run);
}

/** readRun for a given file (its run number stated: it decides the labels). */
export function readRecording(file: string, run: number): Recording {
  const edf = readEdf(file);
  const rows = new Map<string, number>();
  edf.signals.forEach((s, i) => {
    if (s.isAnnotation) return;
    const label = cleanLabel(s.label);
    const e = canonicalElectrode(label);
    if (!e) throw new Error(`${file}: signal ${i + 1} label ${JSON.stringify(s.label)}: not a 10-10 electrode of the EEGMMIDB cap`);
    if (s.sampleRate !== SFREQ) throw new Error(`${file}: signal ${i + 1} (${label}) sample rate ${s.sampleRate} Hz, expected ${SFREQ}`);
    rows.set(e, i);
  });
  const missing = EEGMMIDB_CHANNELS.filter((e) => !rows.has(e));
  if (missing.length) throw new Error(`${file}: channels ${missing.join(', ')} are missing`);
  const signals = EEGMMIDB_CHANNELS.map((e) => Float32Array.from(edf.microvolts(rows.get(e)!)));
  return { file, run, signals, annotations: edf.annotations, sha256: sha256(fs.readFileSync(file)) };
}
