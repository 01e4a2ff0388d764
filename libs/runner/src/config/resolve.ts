// From config files to the resolved config a run records: the generic schema,
// then the task's own `data`/`eval` schemas, defaults filled in, model specs
// completed by the task, a default run name.
import * as path from 'path';
import { getTask } from '../registry';
import type { AnyTask } from '../task';
import { configHash } from './hash';
import { loadRawConfig, validate, type LoadOptions } from './load';
import { runConfigSchema, type ModelSpec, type RunConfig } from './schema';

export interface ResolvedRun {
  config: RunConfig & { name: string };
  task: AnyTask;
  /** sha256 of the resolved config, without tracking settings or free text. */
  hash: string;
  source: string;
}

export function hashOf(config: RunConfig): string {
  const { tracking: _t, description: _d, ...rest } = config;
  return configHash(rest);
}

/** Default run name: the config files' base names and the seed, e.g. `quick-x4-fakd-s0`. */
export function defaultRunName(files: string[], seed: number): string {
  const stem = files.map((f) => path.basename(f).replace(/\.(ya?ml|json)$/i, '')).join('-');
  return `${stem.replace(/[^A-Za-z0-9_.-]/g, '_')}-s${seed}`;
}

export function resolveConfig(raw: unknown, source: string, defaultName?: string): ResolvedRun {
  const generic = validate(runConfigSchema, raw, source);
  const task = getTask(generic.task);
  const data = validate(task.dataSchema, generic.data, source, 'config.data') as Record<string, unknown>;
  const evalCfg = validate(task.evalSchema, generic.eval, source, 'config.eval') as Record<string, unknown>;
  const spec = (m: ModelSpec): ModelSpec => (task.modelSpec ? task.modelSpec(m, data) : m);
  const name = generic.name ?? defaultName;
  if (!name) throw new Error(`${source}: config.name is not set`);
  const config = {
    ...generic,
    name,
    data,
    eval: evalCfg,
    teacher: generic.teacher ? { ...generic.teacher, model: spec(generic.teacher.model) } : undefined,
    student: 'model' in generic.student ? { ...generic.student, model: spec(generic.student.model) } : generic.student,
  } as RunConfig & { name: string };
  if (!config.teacher) delete config.teacher;
  return { config, task, hash: hashOf(config), source };
}

export function resolveRun(files: string[], opts: LoadOptions = {}): ResolvedRun {
  const raw = loadRawConfig(files, opts);
  const seed = typeof raw.seed === 'number' ? raw.seed : 0;
  return resolveConfig(raw, files.join(' + '), defaultRunName(files, seed));
}
