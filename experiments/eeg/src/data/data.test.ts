// The EEG data path on the real EEGMMIDB S001 files: runs read in canonical electrode order,
// trials cut at every T1/T2 cue of the imagery runs, folds that never share a run, and
// standardisation fitted on the training trials only. Counts are checked against the EDF
// annotations themselves (pyEDFlib agrees with them: tools/cli/src/commands/eeg.test.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanLabel, readEdf } from '@kdlab/data';
import { CLASS_NAMES, labelOf, readRecording, readRun, runFile } from './eegmmidb';
import { crossRunFold, describeFold } from './folds';
import { loadFold } from './load';
import { eegDataSchema } from '../schema';
import { canonicalElectrode, EEGMMIDB_CHANNELS } from '../montages';

describe('EEGMMIDB S001', () => {
  it('reads a run in canonical 10-10 order, in µV', () => {
    const rec = readRun('eeg/eegmmidb', 'S001', 4);
    expect(rec.signals).toHaveLength(64);
    expect(rec.signals[0]).toHaveLength(20000);
    const edf = readEdf(rec.file);
    // Row k of the recording is the file's signal whose cleaned label is EEGMMIDB_CHANNELS[k].
    const cz = edf.signals.findIndex((s) => canonicalElectrode(cleanLabel(s.label)) === 'Cz');
    expect(Array.from(rec.signals[EEGMMIDB_CHANNELS.indexOf('Cz')].subarray(0, 5))).toEqual(Array.from(edf.microvolts(cz).subarray(0, 5)).map(Math.fround));
    expect(rec.annotations.filter((a) => a.description !== 'T0').length).toBe(15);
  });

  it('an unknown channel label is an error naming the file and the label', () => {
    const src = readEdf(runFile('eeg/eegmmidb', 'S001', 4));
    expect(src.repaired).toBe('crlf-to-lf');
    const bytes = Buffer.from(fs.readFileSync(runFile('eeg/eegmmidb', 'S001', 4)).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    // Rename signal 3 ('Fc1.') to 'XYZ.' in the label block (16 bytes per label from byte 256).
    bytes.write('XYZ.            ', 256 + 2 * 16, 'latin1');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-eeg-')), 'bad.edf');
    fs.writeFileSync(file, bytes);
    expect(() => readRecording(file, 4)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: signal 3 label "XYZ\\.": not a 10-10 electrode`));
  });

  it('labels: T1/T2 by run kind; T0 and non-imagery runs are not trials', () => {
    expect([labelOf('four', 4, 'T1'), labelOf('four', 4, 'T2'), labelOf('four', 6, 'T1'), labelOf('four', 6, 'T2')]).toEqual([0, 1, 2, 3]);
    expect([labelOf('four', 4, 'T0'), labelOf('four', 3, 'T1'), labelOf('lr', 6, 'T1'), labelOf('ff', 10, 'T2')]).toEqual([undefined, undefined, undefined, 1]);
    expect(CLASS_NAMES.four).toHaveLength(4);
  });

  it('folds rotate test / validation / training sessions and never share a run', () => {
    const seen = new Set<string>();
    for (let f = 0; f < 3; f++) {
      const fold = crossRunFold('four', f);
      const all = [...fold.train, ...fold.val, ...fold.test];
      expect(new Set(all).size).toBe(6);
      seen.add(fold.test.join('+'));
    }
    expect(seen).toEqual(new Set(['4+6', '8+10', '12+14']));
    expect(describeFold(crossRunFold('lr', 0))).toBe('train R12, validate R08, test R04');
    // Without a validation run both other sessions train.
    expect(describeFold(crossRunFold('ff', 1, 'none'))).toBe('train R06+R14, no validation run, test R10');
    expect(crossRunFold('four', 2, 'none')).toEqual({ fold: 2, train: [4, 6, 8, 10], val: [], test: [12, 14] });
    expect(() => crossRunFold('four', 3)).toThrow(/config.data.fold: 3/);
  });

  it('fold 0: every T1/T2 cue becomes a trial; standardisation is fitted on the training trials only', () => {
    const d = eegDataSchema.parse({ fold: 0 });
    const data = loadFold(d);
    const cues = (runs: number[]) => runs.reduce((n, r) => n + readRun('eeg/eegmmidb', 'S001', r).annotations.filter((a) => a.description !== 'T0').length, 0);
    expect(data.train.n).toBe(cues(data.fold.train));
    expect(data.test.n).toBe(cues(data.fold.test));
    expect([data.train.electrodes, data.train.samples]).toEqual([64, 640]);
    expect(new Set(Array.from(data.train.y))).toEqual(new Set([0, 1, 2, 3]));
    // Per electrode over the training trials: mean 0, std 1; the test trials are only transformed.
    const stat = (x: Float32Array, n: number, c: number) => {
      let s = 0;
      let q = 0;
      for (let i = 0; i < n; i++) for (let t = 0; t < 640; t++) {
        const v = x[(i * 64 + c) * 640 + t];
        s += v;
        q += v * v;
      }
      const m = s / (n * 640);
      return [m, Math.sqrt(q / (n * 640) - m * m)];
    };
    for (const c of [0, 10, 63]) {
      const [m, sd] = stat(data.train.x, data.train.n, c);
      expect(Math.abs(m)).toBeLessThan(1e-4);
      expect(Math.abs(sd - 1)).toBeLessThan(1e-4);
    }
    const [mt, st] = stat(data.test.x, data.test.n, 10);
    expect(Math.abs(mt) + Math.abs(st - 1)).toBeGreaterThan(1e-3);
  });
});
