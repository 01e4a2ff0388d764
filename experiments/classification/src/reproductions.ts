// The classification reproductions `kdlab reproduce` knows. cls-quick: the
// CIFAR-10 table of the quick profile — teacher, student, + KD, + FitNet, + AT,
// + SP, + MIMKD, MCL with 2 and 4 peers, and FitNet (3 hints) / AT at hint points chosen
// by clustering the teacher's layers (chosen in `prepare`, once the teacher is
// trained) next to the default hints (the stage outputs); student rows over
// two seeds.
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { executeRun, resolveRun, type PrepareContext, type Reproduction, type ReproductionRow, type TableColumn } from '@kdlab/runner';
import { chooseClusteredHints, withHints } from './hints';
import { clsMetricKey } from './naming';

const CONFIGS = 'experiments/classification/configs';

/** A profile of the classification table: its config file and, for the MCL rows, a file naming the peers' architecture. */
export interface ClsProfile {
  name: string;
  file: string;
  peersFile?: string;
}

const METHODS: { file: string; method: string; seeded: boolean; peers?: boolean }[] = [
  { file: 'teacher', method: 'teacher', seeded: false },
  { file: 'student', method: 'student', seeded: true },
  { file: 'kd', method: 'student + KD', seeded: true },
  { file: 'fitnet', method: 'student + FitNet', seeded: true },
  { file: 'fitnet-multi', method: 'student + FitNet (3 stage hints)', seeded: true },
  { file: 'at', method: 'student + AT', seeded: true },
  { file: 'sp', method: 'student + SP', seeded: true },
  { file: 'mimkd', method: 'student + MIMKD', seeded: true },
  { file: 'mcl2', method: 'MCL x2', seeded: true, peers: true },
  { file: 'mcl4', method: 'MCL x4', seeded: true, peers: true },
];

/** The clustered-hint variants of these method files (FitNet's from its three-hint variant, so k = 3 hints meet 3 default ones). */
const CLUSTERED: { file: string; method: string }[] = [
  { file: 'fitnet-multi', method: 'student + FitNet (clustered hints)' },
  { file: 'at', method: 'student + AT (clustered hints)' },
];

export function clsRows(profile: ClsProfile, seeds: number[]): ReproductionRow[] {
  return METHODS.map((m) => ({
    method: m.method,
    // The method files' MCL peers are resnet8 (the quick student); other profiles name theirs.
    files: [profile.file, `${CONFIGS}/methods/${m.file}.yaml`, ...(m.peers && profile.peersFile ? [profile.peersFile] : [])],
    // The teacher has its own fixed seed (teacher.train.seed): one row.
    seeds: m.seeded ? seeds : [0],
    name: `${profile.name}-${m.file}`,
  }));
}

export function clsColumns(dataset = 'cifar10'): TableColumn[] {
  return [
    { key: clsMetricKey(dataset, 'top1'), label: 'top-1 (%)', decimals: 2 },
    { key: 'model/params', label: 'params', decimals: 0 },
  ];
}

/** Trains the teacher (as its row would; that row is then skipped as finished), chooses the clustered hints, adds their rows. */
async function prepareClustered(r: Reproduction, profile: ClsProfile, ctx: PrepareContext, opts: { k: number; seed: number }): Promise<ReproductionRow[]> {
  const base = r.rows;
  if (ctx.only && !ctx.only.some((m) => CLUSTERED.some((c) => c.method === m))) return base;
  const seeds = base.find((row) => row.method === 'student')!.seeds;
  const runOf = (row: ReproductionRow, seed: number) =>
    resolveRun(row.files.map((f) => path.resolve(repoRoot(), f)), { overrides: { seed, name: `${row.name}-s${seed}`, method: row.method, experiment: r.experiment } });
  const teacherRow = base.find((row) => row.method === 'teacher')!;
  await executeRun(runOf(teacherRow, 0), { runsDir: ctx.runsDir, cacheDir: ctx.cacheDir, trackingUri: ctx.trackingUri, tracker: ctx.tracker, log: ctx.log, resume: true });
  const kdRow = base.find((row) => row.method === 'student + KD')!;
  const hints = await chooseClusteredHints(runOf(kdRow, 0), {
    cacheDir: ctx.cacheDir ?? path.join(repoRoot(), '.cache'),
    dir: path.join(ctx.outDir, 'hints'),
    log: ctx.log,
    ...opts,
  });
  const clustered = CLUSTERED.map((c) => ({
    method: c.method,
    files: [
      profile.file,
      withHints(path.resolve(repoRoot(), `${CONFIGS}/methods/${c.file}.yaml`), hints.pairs, c.method, path.join(ctx.outDir, 'hints', `${c.file}-clustered.yaml`)),
    ],
    seeds,
    name: `${profile.name}-${c.file}-clustered`,
  }));
  return [...base, ...clustered];
}

export function clsReproduction(o: { name: string; profile: ClsProfile; seeds: number[]; description: string; experiment?: string; outDir?: string; hints?: { k: number; seed: number } }): Reproduction {
  const r: Reproduction = {
    name: o.name,
    description: o.description,
    experiment: o.experiment ?? o.name,
    rows: clsRows(o.profile, o.seeds),
    columns: clsColumns(),
    outDir: o.outDir ?? `reports/${o.name}`,
    prepare: (ctx) => prepareClustered(r, o.profile, ctx, o.hints ?? { k: 3, seed: 0 }),
    derivedRows: CLUSTERED.map((c) => ({ method: c.method, files: [o.profile.file, `${CONFIGS}/methods/${c.file}.yaml`], uses: ['clustered-hints'] })),
  };
  return r;
}

export const clsQuick = clsReproduction({
  name: 'cls-quick',
  profile: { name: 'quick', file: `${CONFIGS}/profiles/quick.yaml` },
  seeds: [0, 1],
  description: 'CIFAR-10 (1000 train / 500 test images per class), quick profile (CPU): teacher resnet20, student resnet8; + KD, FitNet (CRD recipe), FitNet at 3 stage hints, AT, SP, MIMKD; MCL x2/x4; FitNet/AT at clustered vs default hints',
});

export const clsPaper = clsReproduction({
  name: 'cls-paper',
  profile: { name: 'paper', file: `${CONFIGS}/profiles/paper.yaml`, peersFile: `${CONFIGS}/profiles/paper-peers.yaml` },
  seeds: [0, 1, 2],
  description: 'CIFAR-10, the CIFAR KD benchmark settings (240 epochs; GPU-class machines): teacher resnet32x4, student resnet8x4; same rows as cls-quick',
});
