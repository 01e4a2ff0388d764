// The EEG reproductions `kdlab reproduce` knows. eeg-quick: EEGNet-8,2 teacher on the 64-electrode
// cap; students on the headphone-like and headband-like montages, alone and with Hinton KD, FitNet,
// AT, SP and SK-KD; every row over the three cross-run folds of EEGMMIDB S001 (data/folds.ts) and
// two seeds. One table line per method: mean ± std over folds x seeds.
//
// A row is run once per fold (its own row object with the fold's config file, same method label,
// so the table groups them); run seeds are 10 * fold + replicate, so that each run of a method has
// its own seed (the reports aggregate one run per seed) and the seed names the fold.
import type { Reproduction, ReproductionRow, TableColumn } from '@kdlab/runner';
import { FOLDS } from './data/folds';
import { MONTAGES, montageFigure } from './montages';
import { eegMetricKey } from './naming';

const CONFIGS = 'experiments/eeg/configs';

interface Backbone { file: string; label: string }
const BACKBONES: Record<string, Backbone> = {
  eegnet: { file: 'eegnet', label: 'EEGNet-8,2' },
  'shallow-convnet': { file: 'shallow-convnet', label: 'ShallowConvNet' },
  'deep-convnet': { file: 'deep-convnet', label: 'DeepConvNet' },
};

const METHODS: { file: string; method: string }[] = [
  { file: 'student', method: 'student' },
  { file: 'kd', method: 'student + KD' },
  { file: 'fitnet', method: 'student + FitNet' },
  { file: 'at', method: 'student + AT' },
  { file: 'sp', method: 'student + SP' },
  { file: 'skkd', method: 'student + SK-KD' },
];

export interface EegProfile {
  name: string;
  file: string;
  backbones: string[];
  montages: string[];
  /** Replicates per fold (run seed = 10 * fold + replicate). */
  replicates: number;
  /** Whether the profile's folds have a validation run (data.validation: run). */
  validation: boolean;
}

export function eegRows(p: EegProfile): ReproductionRow[] {
  const rows: ReproductionRow[] = [];
  for (const b of p.backbones) {
    const bb = BACKBONES[b];
    if (!bb) throw new Error(`eeg profile ${p.name}: unknown backbone ${b} (${Object.keys(BACKBONES).join(', ')})`);
    const files = (...rest: string[]) => [p.file, `${CONFIGS}/backbones/${bb.file}.yaml`, ...rest];
    for (let f = 0; f < FOLDS; f++) {
      // One teacher per fold (teacher.train.seed is fixed): one run per fold.
      rows.push({ method: `${bb.label} · full (64) · teacher`, files: files(`${CONFIGS}/methods/teacher.yaml`, `${CONFIGS}/folds/fold${f}.yaml`), seeds: [10 * f], name: `${p.name}-${b}-full-teacher-f${f}` });
    }
  }
  // Replicate 0 of every row first, then replicate 1, ...: an interrupted reproduction has complete
  // folds for every row early (run names do not depend on this order, so finished runs are reused).
  for (let r = 0; r < p.replicates; r++) {
    for (const b of p.backbones) {
      const bb = BACKBONES[b];
      for (const m of p.montages) {
        const size = MONTAGES[m].electrodes.length;
        for (const method of METHODS) {
          for (let f = 0; f < FOLDS; f++) {
            rows.push({
              method: `${bb.label} · ${m} (${size}) · ${method.method}`,
              files: [p.file, `${CONFIGS}/backbones/${bb.file}.yaml`, `${CONFIGS}/montages/${m}.yaml`, `${CONFIGS}/methods/${method.file}.yaml`, `${CONFIGS}/folds/fold${f}.yaml`],
              seeds: [10 * f + r],
              name: `${p.name}-${b}-${m}-${method.file}-f${f}`,
            });
          }
        }
      }
    }
  }
  return rows;
}

export function eegColumns(subject = 'S001', validation = true): TableColumn[] {
  return [
    { key: eegMetricKey(subject, 'test', 'accuracy'), label: 'test accuracy (%)', decimals: 1 },
    { key: eegMetricKey(subject, 'test', 'kappa'), label: "test Cohen's kappa", decimals: 3 },
    ...(validation ? [{ key: eegMetricKey(subject, 'val', 'accuracy'), label: 'validation accuracy (%)', decimals: 1 }] : []),
    { key: 'model/params', label: 'params', decimals: 0 },
  ];
}

function eegReproduction(o: { name: string; profile: EegProfile; description: string }): Reproduction {
  return {
    name: o.name,
    description: o.description,
    experiment: o.name,
    rows: eegRows(o.profile),
    columns: eegColumns('S001', o.profile.validation),
    outDir: `reports/${o.name}`,
    async figures() {
      const shown = ['full', ...o.profile.montages].map((m) => MONTAGES[m]);
      return [
        {
          title: 'Montages',
          caption: `Electrodes each model sees (10-10 positions, nose up): ${shown.map((m) => `${m.name}: ${m.description}`).join('; ')}.`,
          vegaLite: montageFigure(shown),
        },
      ];
    },
  };
}

export const eegQuick = eegReproduction({
  name: 'eeg-quick',
  profile: { name: 'quick', file: `${CONFIGS}/profiles/quick.yaml`, backbones: ['eegnet'], montages: ['headphone', 'headband'], replicates: 2, validation: false },
  description:
    'EEGMMIDB S001 imagery, both fists vs both feet (R06, R10, R14), within-subject cross-run folds: train on two runs, test on the held-out run (no validation run: the last step is reported), 3 folds x 2 seeds; EEGNet-8,2 teacher on 64 electrodes, students on headphone-like and headband-like 8-electrode montages: alone, + KD, FitNet, AT, SP, SK-KD (quick profile, CPU)',
});

export const eegPaper = eegReproduction({
  name: 'eeg-paper',
  profile: { name: 'paper', file: `${CONFIGS}/profiles/paper.yaml`, backbones: ['eegnet', 'shallow-convnet', 'deep-convnet'], montages: ['headphone', 'headband'], replicates: 3, validation: true },
  description:
    'EEGMMIDB S001 imagery runs, 4 classes (left fist / right fist / both fists / both feet), within-subject cross-run folds: train on one session (R04+R06 | R08+R10 | R12+R14), validate on the next, test on the held-out one; 3 folds x 3 seeds; EEGNet-8,2, ShallowConvNet and DeepConvNet; same rows as eeg-quick with the longer schedule',
});
