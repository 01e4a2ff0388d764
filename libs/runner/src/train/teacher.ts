// The teacher of a run: loaded from `teacher.checkpoint`, or trained first from
// `teacher.train` and cached under `<cache>/teachers/<hash>/` by the hash of
// everything that determines it (task, data, model, training settings), so
// every student row and seed reuses one teacher.
import * as fs from 'fs';
import * as path from 'path';
import type { LayersModel } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { configHash } from '../config/hash';
import { resolveConfig, type ResolvedRun } from '../config/resolve';
import type { RunConfig } from '../config/schema';
import { loadModelWeights } from './models';

export interface ResolvedTeacher {
  model: LayersModel;
  /** Cache key of a trained teacher; undefined for a given checkpoint. */
  hash?: string;
  weightsDir: string;
}

/**
 * The config of the run that trains the teacher: a tracked run of its own, in
 * the experiment `<experiment>-teachers` so that the experiment itself holds
 * only table rows.
 */
export function teacherTrainingConfig(config: RunConfig & { name: string }, hash: string): Record<string, unknown> {
  const t = config.teacher!;
  if (!t.train) throw new Error('teacher.train is not set');
  return {
    experiment: `${config.experiment}-teachers`,
    name: `teacher-${hash.slice(0, 12)}`,
    method: 'teacher-training',
    task: config.task,
    seed: t.train.seed,
    data: teacherData(config),
    eval: config.eval,
    student: { model: t.model },
    kd: { terms: [{ name: 'task', loss: t.train.loss, weight: 1, student: 'output', teacher: 'target' }] },
    optim: t.train.optim,
    train: t.train.train,
    tracking: config.tracking,
  };
}

/** The data the teacher trains on: config.data with teacher.train.data merged over it. */
export function teacherData(config: RunConfig): Record<string, unknown> {
  const override = config.teacher?.train?.data;
  return override ? { ...config.data, ...override } : config.data;
}

export function teacherHash(config: RunConfig): string {
  const t = config.teacher!;
  return configHash({ task: config.task, data: teacherData(config), model: t.model, train: t.train });
}

export type TrainTeacher = (teacherRun: ResolvedRun, runsDir: string) => Promise<{ finalDir: string }>;

export async function resolveTeacher(run: ResolvedRun, cacheDir: string, configDir: string, train: TrainTeacher): Promise<ResolvedTeacher> {
  const t = run.config.teacher!;
  // The initial weights are overwritten below; the seed only has to be valid.
  const model = buildBackbone(t.model, 0);
  if (t.checkpoint) {
    const dir = path.resolve(configDir, t.checkpoint);
    loadModelWeights(dir, model);
    return { model, weightsDir: dir };
  }
  const hash = teacherHash(run.config);
  const home = path.join(cacheDir, 'teachers', hash.slice(0, 16));
  const weightsDir = path.join(home, 'model');
  if (!fs.existsSync(weightsDir)) {
    const teacherRun = resolveConfig(teacherTrainingConfig(run.config, hash), `${run.source} (teacher.train)`);
    const { finalDir } = await train(teacherRun, path.join(home, 'runs'));
    const tmp = `${weightsDir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(finalDir, tmp, { recursive: true });
    fs.writeFileSync(path.join(home, 'teacher.json'), JSON.stringify({ hash, config: teacherRun.config }, null, 2) + '\n');
    fs.renameSync(tmp, weightsDir);
  }
  loadModelWeights(weightsDir, model);
  return { model, hash, weightsDir };
}
