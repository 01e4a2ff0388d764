// Chooses SK-KD's weight on VALIDATION runs only: for each candidate weight, the quick profile's
// EEGNet students (headphone and headband montages) are trained with SK-KD on every cross-run fold
// (seed 100 + fold, distinct from the table's seeds) and scored on the fold's validation run(s); the
// weight with the best mean validation accuracy is the one methods/skkd.yaml uses. Test runs are
// never read. Writes experiments/eeg/configs/skkd-weight-selection.json.
// Usage: npx tsx experiments/eeg/tools/select-skkd-weight.ts [--runs-dir DIR] [--cache-dir DIR] [--tracking-uri URI]
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, writeFileAtomic } from '@kdlab/data';
import { executeRun, resolveRun } from '@kdlab/runner';
import '../src/index';
import { eegMetricKey } from '../src/naming';

const WEIGHTS = [10, 100, 1000];
const MONTAGES = ['headphone', 'headband'];
const FOLDS = [0, 1, 2];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

(async () => {
  const C = path.join(repoRoot(), 'experiments/eeg/configs');
  const val: Record<string, Record<string, number>> = {};
  for (const w of WEIGHTS) {
    for (const m of MONTAGES) {
      for (const f of FOLDS) {
        const name = `select-skkd-w${w}-${m}-f${f}`;
        const run = resolveRun(['profiles/quick.yaml', 'backbones/eegnet.yaml', `montages/${m}.yaml`, 'methods/skkd.yaml', `folds/fold${f}.yaml`].map((p) => path.join(C, p)), {
          overrides: { seed: 100 + f, name, experiment: 'eeg-quick-selection', method: `SK-KD weight ${w}` },
          sets: [`kd.terms[1].weight=${w}`],
        });
        const res = await executeRun(run, { runsDir: arg('runs-dir'), cacheDir: arg('cache-dir'), trackingUri: arg('tracking-uri'), resume: true, log: (l) => process.stderr.write(`${l}\n`) });
        (val[w] ??= {})[`${m}-f${f}`] = res.metrics[eegMetricKey('S001', 'val', 'accuracy')];
        process.stderr.write(`weight ${w} ${m} fold ${f}: validation accuracy ${val[w][`${m}-f${f}`].toFixed(1)}\n`);
      }
    }
  }
  const mean = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0) / Object.values(o).length;
  const ranked = WEIGHTS.map((w) => ({ weight: w, meanValidationAccuracy: mean(val[w]), runs: val[w] })).sort((a, b) => b.meanValidationAccuracy - a.meanValidationAccuracy);
  const out = {
    rule: 'mean validation accuracy over the headphone and headband EEGNet students and the 3 cross-run folds (seed 100 + fold); test runs never read',
    chosen: ranked[0].weight,
    candidates: ranked,
  };
  writeFileAtomic(path.join(C, 'skkd-weight-selection.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
