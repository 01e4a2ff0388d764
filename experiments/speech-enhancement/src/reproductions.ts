// The speech reproductions `kdlab reproduce` knows. speech-quick: the quick profile's table
// on the 29 real VoiceBank-DEMAND pairs: noisy input, MANNER teacher, smaller MANNER student
// alone, and the student with output KD, FD, AT and MV-AT, plus the spectrogram figure.
import type { Reproduction, ReproductionRow } from '@kdlab/runner';
import { spectrogramFigures } from './figures';
import { speechMetricKey } from './naming';

const CONFIGS = 'experiments/speech-enhancement/configs';

const METHODS: { file: string; method: string; seeded: boolean }[] = [
  { file: 'noisy', method: 'noisy input', seeded: false },
  { file: 'teacher', method: 'teacher', seeded: false },
  { file: 'student', method: 'student', seeded: true },
  { file: 'output-kd', method: 'student + output KD', seeded: true },
  { file: 'fd', method: 'student + FD', seeded: true },
  { file: 'at', method: 'student + AT', seeded: true },
  { file: 'mvat', method: 'student + MV-AT', seeded: true },
];

export function speechRows(profile: 'quick' | 'paper', seeds: number[]): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    files: [`${CONFIGS}/${profile}.yaml`, `${CONFIGS}/methods/${m.file}.yaml`],
    seeds: m.seeded ? seeds : [0],
    name: m.file,
  }));
}

export function speechColumns(set = 'vbd29') {
  return [
    { key: speechMetricKey(set, 'pesq_wb'), label: 'PESQ-WB', decimals: 2 },
    { key: speechMetricKey(set, 'stoi'), label: 'STOI', decimals: 3 },
    { key: speechMetricKey(set, 'si_sdr'), label: 'SI-SDR', decimals: 2 },
    { key: speechMetricKey(set, 'csig'), label: 'CSIG', decimals: 2 },
    { key: speechMetricKey(set, 'cbak'), label: 'CBAK', decimals: 2 },
    { key: speechMetricKey(set, 'covl'), label: 'COVL', decimals: 2 },
    { key: 'model/params', label: 'params', decimals: 0 },
    // Multiply-adds x 2 for one second of 16 kHz audio.
    { key: 'model/flops', label: 'FLOPs per s of audio', decimals: 0 },
  ];
}

export const speechQuick: Reproduction = {
  name: 'speech-quick',
  description: 'Speech enhancement, quick profile (CPU): noisy, MANNER teacher, student, + output KD, + FD, + AT, + MV-AT on 29 real VoiceBank-DEMAND pairs',
  experiment: 'speech-quick',
  rows: speechRows('quick', [0]),
  columns: speechColumns(),
  outDir: 'reports/speech-quick',
  figures: (ctx) => spectrogramFigures(ctx, ['noisy input', 'student', 'student + MV-AT']),
};
