// Clustered hint points for the classification reproductions: once the
// teacher is trained, probe it with one training batch, choose k of its block
// outputs by clustering (libs/kd selectHintPoints), pair each with the
// student's block of equal resolution, and write method configs that are the
// default FitNet / AT configs with only the hint layers changed. The choice is
// written next to the table (`hints/hints.json`: every layer's metrics, the
// clusters, the pairs) and is part of each run's resolved config in MLflow.
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { Rng } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { buildBackbone } from '@kdlab/backbones';
import { repoRoot, writeFileAtomic } from '@kdlab/data';
import { HINT_METRICS, listMethodSources, pairHints, probeSpatialSizes, selectHintPoints } from '@kdlab/kd';
import { readConfigFile, resolveTeacher, type ResolvedRun, type SourceConfig, type TermConfig } from '@kdlab/runner';

/** Block outputs ('stage{s}.block{b}') of a classification backbone, in model order: the hint candidates. */
export function blockLayers(model: LayersModel): string[] {
  return model.layers.map((l) => l.name).filter((n) => /^stage\d+\.block\d+$/.test(n));
}

export interface ClusteredHints {
  /** [teacher layer, student layer] per hint, in model order. */
  pairs: [string, string][];
  file: string;
}

/**
 * Chooses the hints on `run`'s (cached) teacher and writes hints.json under `dir`.
 * `run` must be a distillation run of the profile (it names the teacher and the student).
 */
export async function chooseClusteredHints(run: ResolvedRun, opts: { cacheDir: string; dir: string; k: number; seed: number; log: (l: string) => void }): Promise<ClusteredHints> {
  const { config } = run;
  if (!config.teacher || !('model' in config.student)) throw new Error(`${run.source}: clustered hints need a run with a teacher and a student model`);
  const teacher = await resolveTeacher(run, opts.cacheDir, path.dirname(run.source.split(' + ')[0]), async () => {
    throw new Error('clustered hints: the teacher is not trained yet (train it first: run the teacher row)');
  });
  const student = buildBackbone(config.student.model, 0);
  const instance = await run.task.create(config.data, config.eval);
  // The probe: the first batch of the seed-0 stream, as the runner's channel probe.
  const probe = instance.trainStream(new Rng(0)).next();
  try {
    const tLayers = blockLayers(teacher.model);
    const sLayers = blockLayers(student);
    const selection = selectHintPoints(teacher.model, tLayers, probe.input, { k: opts.k, seed: opts.seed });
    const students = pairHints(
      selection.hints,
      { layers: tLayers, hw: probeSpatialSizes(teacher.model, tLayers, probe.input) },
      { layers: sLayers, hw: probeSpatialSizes(student, sLayers, probe.input) },
    );
    const pairs = selection.hints.map((h, i) => [h, students[i]] as [string, string]);
    const file = path.join(opts.dir, 'hints.json');
    const record = {
      method: 'clustered hint points (PURSUhInT-style): k-means over the teacher\'s block outputs described by z-scored metrics on one probe batch; the member nearest each centre',
      teacher: config.teacher.model,
      student: config.student.model,
      teacherWeights: path.relative(repoRoot(), teacher.weightsDir),
      probe: { batch: probe.input.shape[0], source: 'first batch of the seed-0 training stream' },
      k: opts.k,
      seed: opts.seed,
      metrics: HINT_METRICS,
      pairs: pairs.map(([t, s]) => ({ teacher: t, student: s })),
      clusters: selection.clusters,
      layers: selection.layers,
    };
    writeFileAtomic(file, `${JSON.stringify(record, null, 1)}\n`);
    opts.log(`clustered hints (k=${opts.k}): ${pairs.map(([t, s]) => `${t} -> ${s}`).join(', ')} (${file})`);
    return { pairs, file };
  } finally {
    probe.input.dispose();
    probe.target.dispose();
    instance.dispose();
    student.dispose();
    teacher.model.dispose();
  }
}

/**
 * The source of a clustered-hint row: the hint selection is an abstract-only reading, so the row is
 * abstract-only whatever its loss is; the reference names both.
 */
export function clusteredSource(method: SourceConfig | undefined, methodFile: string): SourceConfig {
  const hints = listMethodSources().find((m) => m.name === 'clustered-hints');
  if (!hints) throw new Error("clustered hints: @kdlab/kd declares no source for 'clustered-hints'");
  if (!method) throw new Error(`${methodFile}: no top-level \`source\` to build the clustered-hint row's source from`);
  return {
    level: 'abstract-only',
    reference: `hint points: ${hints.source.reference}; loss: ${method.reference}`,
    deviations: [...hints.source.deviations.map((d) => `hint points: ${d}`), ...method.deviations.map((d) => `loss: ${d}`)],
  };
}

/**
 * A method config equal to `methodFile` with its hint terms (every term that reads a teacher
 * feature) replaced by one term per pair, keeping the first hint term's loss, weight and adapter.
 */
export function withHints(methodFile: string, pairs: [string, string][], method: string, out: string): string {
  const raw = readConfigFile(methodFile) as { kd?: { terms?: TermConfig[] }; source?: SourceConfig };
  const terms = raw.kd?.terms ?? [];
  const isHint = (t: TermConfig) => t.teacher !== 'target' && t.teacher !== 'output';
  const template = terms.find(isHint);
  if (!template) throw new Error(`${methodFile}: no hint term (a term reading a teacher feature) to replace`);
  const hints = pairs.map(([t, s], i) => ({ ...template, name: `${template.name.replace(/\d+$/, '')}${i + 1}`, student: s, teacher: t }));
  const config = { method, source: clusteredSource(raw.source, methodFile), description: `${path.basename(methodFile)} with hint points chosen by clustering: ${pairs.map(([t, s]) => `${s} <- ${t}`).join(', ')}`, kd: { terms: [...terms.filter((t) => !isHint(t)), ...hints] } };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, `# generated by experiments/classification/src/hints.ts from ${path.basename(methodFile)}\n${stringify(config, { aliasDuplicateObjects: false })}`);
  return out;
}
