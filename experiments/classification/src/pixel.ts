// pixel-quick: low-resolution recognition by pixel distillation (Guo et al., TPAMI 2024) on
// CIFAR-10 and Fashion-MNIST: a resnet20 teacher on HR images (32x32 / 28x28), resnet8 students
// on copies shrunk by 2 (16x16 / 14x14) and 4 (8x8 / 7x7) with bicubic imresize. Each dataset
// is one block of rows (its profile); the Fashion-MNIST rows' labels start with "FMNIST" and
// every dataset has its own top-1 column, so a row fills only its dataset's column. Rows: the teacher and TAS's assistant (HR), then
// per factor the LR student alone, + KD, + FitNet, + AT, + SP (each from the HR teacher),
// + ISRD (one stage, as released) and + TAS (two stages: teacher -> assistant -> LR student
// through feature super-resolution). The assistant is trained first in `prepare` (as its row
// would; the row is then found finished) and its final weights become the TAS rows' teacher.
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { repoRoot, writeFileAtomic } from '@kdlab/data';
import { executeRun, resolveRun, type PrepareContext, type Reproduction, type ReproductionRow, type TableColumn } from '@kdlab/runner';
import { clsMetricKey } from './naming';

const CONFIGS = 'experiments/classification/configs';
const PIXEL = `${CONFIGS}/methods/pixel`;

export const PIXEL_FACTORS = [2, 4] as const;
export type PixelFactor = (typeof PIXEL_FACTORS)[number];

/** The profiles of one dataset's block of a pixel table: the HR one (teacher, assistant) and one per LR factor. */
export interface PixelProfile {
  /** Run name prefix of the block's rows (distinct per block). */
  name: string;
  hr: string;
  lr: (factor: PixelFactor) => string;
  /** Dataset of the block (its metric key, eval/<dataset>/top1) and the label of its top-1 column. */
  dataset: { name: string; label: string };
  /** Prefix of the block's row labels ('' or e.g. 'FMNIST '): row labels are unique across blocks. */
  rowPrefix: string;
  /** Prefix of the block's ISRD / TAS method files (methods/pixel/<prefix>isrd-x<f>.yaml): their weights are selected per dataset. */
  methodPrefix: string;
}

export const PIXEL_QUICK_PROFILE: PixelProfile = {
  name: 'pixel-quick',
  hr: `${CONFIGS}/profiles/pixel-quick.yaml`,
  lr: (f) => `${CONFIGS}/profiles/pixel-quick-x${f}.yaml`,
  dataset: { name: 'cifar10', label: 'CIFAR-10' },
  rowPrefix: '',
  methodPrefix: '',
};

export const PIXEL_QUICK_FMNIST_PROFILE: PixelProfile = {
  name: 'pixel-quick-fmnist',
  hr: `${CONFIGS}/profiles/pixel-quick-fmnist.yaml`,
  lr: (f) => `${CONFIGS}/profiles/pixel-quick-fmnist-x${f}.yaml`,
  dataset: { name: 'fashion-mnist', label: 'Fashion-MNIST' },
  rowPrefix: 'FMNIST ',
  methodPrefix: 'fmnist-',
};

export const assistantMethod = (p: PixelProfile) => `${p.rowPrefix}assistant (HR)`;
export const tasMethod = (p: PixelProfile, f: PixelFactor) => `${p.rowPrefix}student LR x${f} + TAS`;

/** Per factor: row label suffix and method file (the TAS row is added by `prepare`). */
const LR_METHODS = (p: PixelProfile, f: PixelFactor): { label: string; file: string; key: string }[] => [
  { label: '', file: `${CONFIGS}/methods/student.yaml`, key: 'student' },
  { label: ' + KD', file: `${CONFIGS}/methods/kd.yaml`, key: 'kd' },
  { label: ' + FitNet', file: `${PIXEL}/fitnet.yaml`, key: 'fitnet' },
  { label: ' + AT', file: `${PIXEL}/at.yaml`, key: 'at' },
  { label: ' + SP', file: `${CONFIGS}/methods/sp.yaml`, key: 'sp' },
  { label: ' + ISRD', file: `${PIXEL}/${p.methodPrefix}isrd-x${f}.yaml`, key: 'isrd' },
];

export function pixelRows(profile: PixelProfile, seeds: number[]): ReproductionRow[] {
  return [
    // The teacher has its own fixed seed (teacher.train.seed) and the assistant is one model that
    // TAS rows of every seed share, like a teacher: one run each.
    { method: `${profile.rowPrefix}teacher (HR)`, files: [profile.hr, `${CONFIGS}/methods/teacher.yaml`], seeds: [0], name: `${profile.name}-teacher` },
    { method: assistantMethod(profile), files: [profile.hr, `${PIXEL}/assistant.yaml`], seeds: [0], name: `${profile.name}-assistant` },
    ...PIXEL_FACTORS.flatMap((f) =>
      LR_METHODS(profile, f).map((m) => ({ method: `${profile.rowPrefix}student LR x${f}${m.label}`, files: [profile.lr(f), m.file], seeds, name: `${profile.name}-x${f}-${m.key}` })),
    ),
  ];
}

export function tasFiles(profile: PixelProfile, f: PixelFactor, checkpointOverlay: string): string[] {
  return [profile.lr(f), tasMethodFile(profile, f), checkpointOverlay];
}

function tasMethodFile(profile: PixelProfile, f: PixelFactor): string {
  return `${PIXEL}/${profile.methodPrefix}tas-x${f}.yaml`;
}

/**
 * Writes the overlay that makes the assistant (its model spec and final weights) the teacher of a
 * TAS run. teacher.checkpoint is resolved against the directory of a run's first config file (the
 * LR profile), so the path is written relative to it.
 */
export function writeAssistantOverlay(profile: PixelProfile, assistant: { model: unknown; finalDir: string }, out: string): string {
  const profileDir = path.dirname(path.resolve(repoRoot(), profile.lr(2)));
  const config = { teacher: { model: assistant.model, checkpoint: path.relative(profileDir, assistant.finalDir) } };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, `# generated by experiments/classification/src/pixel.ts: TAS stage 2 reads the assistant (TAS stage 1) run's final weights\n${stringify(config)}`);
  return out;
}

/** Trains the assistant of every block whose TAS rows are asked for (all, without `only`) and adds those rows at the end of their block. */
async function preparePixel(r: Reproduction, profiles: PixelProfile[], seeds: number[], ctx: PrepareContext): Promise<ReproductionRow[]> {
  const rows: ReproductionRow[] = [];
  for (const profile of profiles) {
    rows.push(...pixelRows(profile, seeds));
    if (ctx.only && !PIXEL_FACTORS.some((f) => ctx.only!.includes(tasMethod(profile, f)))) continue;
    rows.push(...(await prepareTas(r, profile, seeds, ctx)));
  }
  return rows;
}

async function prepareTas(r: Reproduction, profile: PixelProfile, seeds: number[], ctx: PrepareContext): Promise<ReproductionRow[]> {
  const row = r.rows.find((x) => x.method === assistantMethod(profile))!;
  const run = resolveRun(row.files.map((f) => path.resolve(repoRoot(), f)), { overrides: { seed: 0, name: `${row.name}-s0`, method: row.method, experiment: r.experiment } });
  const done = await executeRun(run, { runsDir: ctx.runsDir, cacheDir: ctx.cacheDir, trackingUri: ctx.trackingUri, tracker: ctx.tracker, log: ctx.log, resume: true });
  if (!('model' in run.config.student)) throw new Error(`${row.files.join(' + ')}: the assistant row must train a student model`);
  const overlay = writeAssistantOverlay(profile, { model: run.config.student.model, finalDir: path.join(done.runDir, 'final') }, path.join(ctx.outDir, 'tas', `${profile.name}-assistant-teacher.yaml`));
  ctx.log(`TAS: the assistant's weights (${path.join(done.runDir, 'final')}) teach the LR students (${overlay})`);
  const rows = PIXEL_FACTORS.map((f) => ({ method: tasMethod(profile, f), files: tasFiles(profile, f, overlay), seeds, name: `${profile.name}-x${f}-tas` }));
  for (const row of rows) {
    // Model specs merge key by key: options of the profile's teacher would leak into the assistant's.
    const teacher = resolveRun(row.files.map((f) => path.resolve(repoRoot(), f))).config.teacher?.model;
    if (JSON.stringify(teacher) !== JSON.stringify(run.config.student.model)) {
      throw new Error(`${row.files.join(' + ')}: teacher.model ${JSON.stringify(teacher)} is not the assistant's ${JSON.stringify(run.config.student.model)} (give the profile's teacher as a preset, without inline options)`);
    }
  }
  return rows;
}

/** One top-1 column per dataset (a row fills its own dataset's), then params and FLOPs. */
export function pixelColumns(datasets: PixelProfile['dataset'][]): TableColumn[] {
  return [
    ...datasets.map((d) => ({ key: clsMetricKey(d.name, 'top1'), label: `${d.label} top-1 (%)`, decimals: 2 })),
    { key: 'model/params', label: 'params', decimals: 0 },
    { key: 'model/flops', label: 'FLOPs', decimals: 0 },
  ];
}

export function pixelReproduction(o: { name: string; profiles: PixelProfile[]; seeds: number[]; description: string; outDir?: string }): Reproduction {
  const r: Reproduction = {
    name: o.name,
    description: o.description,
    experiment: o.name,
    rows: o.profiles.flatMap((p) => pixelRows(p, o.seeds)),
    columns: pixelColumns(o.profiles.map((p) => p.dataset)),
    outDir: o.outDir ?? `reports/${o.name}`,
    prepare: (ctx) => preparePixel(r, o.profiles, o.seeds, ctx),
    derivedRows: o.profiles.flatMap((p) => PIXEL_FACTORS.map((f) => ({ method: tasMethod(p, f), files: [p.lr(f), tasMethodFile(p, f)], uses: [] }))),
  };
  return r;
}

export const pixelQuick = pixelReproduction({
  name: 'pixel-quick',
  profiles: [PIXEL_QUICK_PROFILE, PIXEL_QUICK_FMNIST_PROFILE],
  seeds: [0, 1],
  description:
    'pixel distillation on CIFAR-10 and Fashion-MNIST (quick profiles, CPU; "FMNIST" rows are Fashion-MNIST and fill its top-1 column): resnet20 teachers on 32x32 / 28x28 images, resnet8 students on 16x16 / 8x8 and 14x14 / 7x7 bicubic copies; student alone, + KD, FitNet, AT, SP from the HR teacher, + ISRD (one stage, as released), + TAS (teacher -> HR assistant -> LR student with feature super-resolution)',
});
