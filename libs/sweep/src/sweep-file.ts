// A sweep file names base configs and a grid, or a registered reproduction, and expands into jobs:
// one per run, keyed by the resolved config's hash (so the same run submitted twice is one job).
//
//   name: sisr-methods
//   queue: kdlab                     # optional (default kdlab)
//   configs: [experiments/sisr/configs/quick-x4.yaml]
//   set: [train.steps=300]           # optional fixed overrides (`kdlab run --set`)
//   grid:
//     configs: [experiments/sisr/configs/methods/fd.yaml, experiments/sisr/configs/methods/fakd.yaml]
//     seed: [0, 1]                   # any other axis: a config field (dotted path) and its values
//
// or `reproduction: sisr-quick` (every row x seed of that table, named as `kdlab reproduce` names them).
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { repoRoot } from '@kdlab/data';
import { loadReproduction, resolveRun } from '@kdlab/runner';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const sweepSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    queue: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('kdlab'),
    configs: z.array(z.string()).default([]),
    set: z.array(z.string()).default([]),
    grid: z.record(z.array(z.union([scalar, z.array(z.string())])).min(1)).default({}),
    reproduction: z.string().optional(),
  })
  .strict();

export type SweepFile = z.output<typeof sweepSchema>;

/** One run of a sweep, as queued: everything a worker needs to resolve the same config again. */
export interface SweepJob {
  /** The resolved config's sha256: the BullMQ job id and the run's `kdlab.config_hash` tag. */
  id: string;
  sweep: string;
  name: string;
  experiment: string;
  /** Config files relative to the repository, merged left to right. */
  files: string[];
  sets: string[];
  overrides: Record<string, string | number>;
}

export function loadSweepFile(file: string): SweepFile {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const res = sweepSchema.safeParse(raw);
  if (!res.success) throw new Error(`${file}: ${res.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  if (!res.data.reproduction && res.data.configs.length === 0 && !res.data.grid.configs) throw new Error(`${file}: give configs (and a grid) or a reproduction`);
  return res.data;
}

const rel = (f: string) => path.relative(repoRoot(), path.resolve(repoRoot(), f));

/** The cartesian product of the grid's axes, in the file's order (the last axis varies fastest). */
function product(grid: SweepFile['grid']): Array<Array<[string, string | number | boolean | string[]]>> {
  let combos: Array<Array<[string, string | number | boolean | string[]]>> = [[]];
  for (const [axis, values] of Object.entries(grid)) combos = combos.flatMap((c) => values.map((v) => [...c, [axis, v] as [string, typeof v]]));
  return combos;
}

function label(axis: string, value: string | number | boolean | string[]): string {
  if (axis === 'configs') return (Array.isArray(value) ? value : [String(value)]).map((f) => path.basename(f).replace(/\.(ya?ml|json)$/i, '')).join('+');
  return `${axis.split('.').pop()}${String(value)}`;
}

function job(sweep: string, files: string[], sets: string[], overrides: Record<string, string | number>): SweepJob {
  const run = resolveRun(files.map((f) => path.resolve(repoRoot(), f)), { sets, overrides });
  return { id: run.hash, sweep, name: run.config.name, experiment: run.config.experiment, files: files.map(rel), sets, overrides };
}

/** Every job of the sweep; each config is resolved here, so a bad config fails the submit, not a worker. */
export function expandSweep(s: SweepFile): SweepJob[] {
  if (s.reproduction) {
    const r = loadReproduction(s.reproduction);
    if (r.prepare) throw new Error(`reproduction ${s.reproduction} has a prepare step (it derives its rows from trained models); run it with \`kdlab reproduce ${s.reproduction}\``);
    return r.rows.flatMap((row) => row.seeds.map((seed) => job(s.name, row.files, s.set, { seed, name: `${row.name}-s${seed}`, method: row.method, experiment: r.experiment })));
  }
  return product(s.grid).map((combo) => {
    const files = [...s.configs];
    const sets = [...s.set];
    const overrides: Record<string, string | number> = {};
    for (const [axis, value] of combo) {
      if (axis === 'configs') files.push(...(Array.isArray(value) ? value : [String(value)]));
      else if (axis === 'seed') overrides.seed = Number(value);
      else sets.push(`${axis}=${JSON.stringify(value)}`);
    }
    overrides.name = [s.name, ...combo.map(([a, v]) => label(a, v))].join('-');
    return job(s.name, files, sets, overrides);
  });
}
