// One fold's trials: runs read and band-passed once per process (a reproduction runs many configs
// over the same runs), epochs cut, standardisation fitted on the training trials only.
import { bandpassTaps, filterZeroPhase } from './filter';
import { concatEpochs, cutEpochs, type Epochs } from './epochs';
import { readRun, SFREQ, type Recording } from './eegmmidb';
import { crossRunFold, type Fold } from './folds';
import { applyStandardiser, fitStandardiser, type ChannelStats } from './standardise';
import type { EegData } from '../schema';

export interface FoldData {
  fold: Fold;
  train: Epochs;
  /** Empty (n = 0) when the fold has no validation run. */
  val: Epochs;
  test: Epochs;
  stats: ChannelStats;
  /** Files read, with their sha256 (provenance). */
  files: { file: string; sha256: string }[];
}

const filtered = new Map<string, { rec: Recording; signals: Float32Array[] }>();

function filteredRun(d: EegData, run: number): { rec: Recording; signals: Float32Array[] } {
  const key = JSON.stringify([d.root, d.subject, run, d.band, d.taps]);
  let hit = filtered.get(key);
  if (!hit) {
    const rec = readRun(d.root, d.subject, run);
    const h = bandpassTaps(d.taps, d.band[0], d.band[1], SFREQ);
    hit = { rec, signals: rec.signals.map((s) => filterZeroPhase(s, h)) };
    filtered.set(key, hit);
  }
  return hit;
}

export function loadFold(d: EegData): FoldData {
  const fold = crossRunFold(d.classes, d.fold, d.validation);
  const files: FoldData['files'] = [];
  const epochs = (runs: number[]) =>
    concatEpochs(
      runs.map((run) => {
        const { rec, signals } = filteredRun(d, run);
        files.push({ file: rec.file, sha256: rec.sha256 });
        return cutEpochs(rec, signals, { classes: d.classes, window: d.window, baseline: d.baseline });
      }),
    );
  const train = epochs(fold.train);
  const stats = fitStandardiser(train);
  return {
    fold,
    train: applyStandardiser(train, stats),
    val: fold.val.length ? applyStandardiser(epochs(fold.val), stats) : { ...train, x: new Float32Array(0), y: new Int32Array(0), n: 0, runs: [] },
    test: applyStandardiser(epochs(fold.test), stats),
    stats,
    files,
  };
}
