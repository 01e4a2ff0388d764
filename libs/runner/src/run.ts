// One run end to end: resolve the teacher (training and caching it if asked),
// open or reopen the tracking run, record provenance, train with checkpoints,
// evaluate the last step, and record the result. SIGINT/SIGTERM checkpoint and
// mark the run KILLED; `resume` continues from the newest checkpoint.
import * as fs from 'fs';
import * as path from 'path';
import Papa from 'papaparse';
import { stringify as toYaml } from 'yaml';
import { Rng, tf } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { repoRoot } from '@kdlab/data';
import { buildBackbone, countFlops, countParams } from '@kdlab/backbones';
import { DistillationObjective, tapModel } from '@kdlab/kd';
import { createTracker, type RunHandle } from '@kdlab/tracking';
import { CheckpointStore } from './checkpoint/store';
import { writeWeightsDir } from './checkpoint/weights-dir';
import { flattenConfig } from './config/flatten';
import type { ResolvedRun } from './config/resolve';
import { provenanceTags } from './provenance';
import { readRunResult, readRunState, writeRunResult, writeRunState, type RunResult } from './run-dir';
import { StopSignals } from './signals';
import type { Predictor, TaskInstance } from './task';
import { RunInterrupted, TrainingLoop, type Tapped } from './train/loop';
import { modelWeights, predictWith } from './train/models';
import { METRIC, PARAM, TAG } from './train/naming';
import { resolveTeacher, type ResolvedTeacher } from './train/teacher';
import { progress } from './progress';

export interface RunOptions {
  /** Continue from the run dir's newest checkpoint, reopening its tracking run (a fresh start when there is none). */
  resume?: boolean;
  /** Delete an existing run dir first. */
  fresh?: boolean;
  /** Root of run dirs (default `<repo>/runs`); a run lives in `<runsDir>/<experiment>/<name>/`. */
  runsDir?: string;
  /** Root of caches such as trained teachers (default `<repo>/.cache`). */
  cacheDir?: string;
  /** Tracking URI (default: config.tracking.uri, else MLFLOW_TRACKING_URI, else a local store). */
  trackingUri?: string;
  /** Evaluate on the task's test sets after training (default true). */
  evaluate?: boolean;
  /** Reuse a task instance (e.g. when a run trains its teacher first). */
  instance?: TaskInstance;
  signals?: StopSignals;
  log?: (line: string) => void;
}

const FINAL = 'final';

function roleOf(run: ResolvedRun): string {
  const s = run.config.student;
  if ('baseline' in s) return s.baseline === 'teacher' ? 'teacher' : 'baseline';
  return run.config.method === 'teacher-training' ? 'teacher-training' : 'student';
}

function prepareRunDir(run: ResolvedRun, opts: RunOptions): { runDir: string; previous?: ReturnType<typeof readRunState> } {
  const runDir = path.join(opts.runsDir ?? path.join(repoRoot(), 'runs'), run.config.experiment, run.config.name);
  if (opts.fresh) fs.rmSync(runDir, { recursive: true, force: true });
  const previous = readRunState(runDir);
  if (previous && !opts.resume) {
    throw new Error(`${runDir} already holds run ${previous.runId}; pass --resume to continue it or --fresh to start over`);
  }
  if (previous && previous.configHash !== run.hash) {
    throw new Error(`${runDir}: the config changed since run ${previous.runId} started (hash ${previous.configHash.slice(0, 12)} -> ${run.hash.slice(0, 12)}); pass --fresh or choose another name`);
  }
  fs.mkdirSync(runDir, { recursive: true });
  return { runDir, previous };
}

async function logEval(handle: RunHandle, runDir: string, instance: TaskInstance, predictor: Predictor, step: number, log: (l: string) => void): Promise<{ metrics: Record<string, number>; seconds: number }> {
  const started = Date.now();
  let bar: ReturnType<typeof progress> | undefined;
  let shown = 0;
  const result = await instance.evaluate(predictor, (done, total) => {
    bar ??= progress('eval', total, { unit: 'img' });
    bar.tick(done - shown);
    shown = done;
  });
  bar?.stop();
  handle.logMetrics(result.metrics, step);
  const evalDir = path.join(runDir, 'eval');
  fs.mkdirSync(evalDir, { recursive: true });
  for (const [key, rows] of Object.entries(result.tables)) fs.writeFileSync(path.join(evalDir, `${key}.csv`), Papa.unparse(rows) + '\n');
  if (Object.keys(result.tables).length > 0) await handle.logArtifact(evalDir, 'eval');
  for (const [k, v] of Object.entries(result.metrics)) log(`  ${k} = ${v.toFixed(4)}`);
  return { metrics: result.metrics, seconds: (Date.now() - started) / 1000 };
}

export async function executeRun(run: ResolvedRun, opts: RunOptions = {}): Promise<RunResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const { config, task } = run;
  const { runDir, previous } = prepareRunDir(run, opts);
  const done = readRunResult(runDir);
  if (done && done.configHash === run.hash) {
    log(`${config.experiment}/${config.name}: already finished (run ${done.runId})`);
    return done;
  }
  const ownSignals = !opts.signals;
  const signals = opts.signals ?? new StopSignals().install();
  const instance = opts.instance ?? (await task.create(config.data, config.eval));
  const cacheDir = opts.cacheDir ?? path.join(repoRoot(), '.cache');
  const models: LayersModel[] = [];
  let loop: TrainingLoop | undefined;
  try {
    // The teacher first: training it is a run of its own, finished before this one opens.
    let teacher: ResolvedTeacher | undefined;
    if (config.teacher) {
      const configDir = path.dirname(path.resolve(run.source.split(' + ')[0]));
      teacher = await resolveTeacher(run, cacheDir, configDir, async (teacherRun, runsDir) => {
        log(`training the teacher (${teacherRun.config.name}); cached for later runs`);
        const r = await executeRun(teacherRun, { ...opts, runsDir, resume: true, fresh: false, evaluate: false, instance, signals });
        return { finalDir: path.join(r.runDir, FINAL) };
      });
      models.push(teacher.model);
    }

    const tracker = createTracker(opts.trackingUri ?? config.tracking.uri);
    const handle = await tracker.startRun({ experiment: config.experiment, runName: config.name, resumeRunId: previous?.runId });
    if (!previous) writeRunState(runDir, { runId: handle.runId, configHash: run.hash, trackingUri: tracker.uri, startedAt: new Date().toISOString() });
    log(`${previous ? 'resuming' : 'run'} ${config.experiment}/${config.name}: tracking run ${handle.runId} (${tracker.uri})`);
    try {
      const tags: Record<string, string> = {
        ...provenanceTags(),
        [TAG.configHash]: run.hash,
        [TAG.task]: config.task,
        [TAG.method]: config.method ?? config.name,
        [TAG.seed]: String(config.seed),
        [TAG.role]: roleOf(run),
        [TAG.selection]: 'last-epoch',
        ...instance.tags,
      };
      if (teacher?.hash) tags[TAG.teacherHash] = teacher.hash;
      for (const d of instance.datasets()) {
        tags[`${TAG.dataPrefix}${d.name}.sha256`] = d.sha256;
        tags[`${TAG.dataPrefix}${d.name}.files`] = String(d.files);
      }
      await handle.setTags(tags);
      const resolvedFile = path.join(runDir, 'config.resolved.yaml');
      fs.writeFileSync(resolvedFile, `# resolved from ${run.source}\n# sha256 ${run.hash}\n${toYaml(config)}`);
      await handle.logArtifact(resolvedFile);

      const params: Record<string, string | number> = flattenConfig(config);
      if (teacher) {
        params[PARAM.teacherParams] = countParams(teacher.model);
        params[PARAM.teacherFlops] = countFlops(teacher.model, instance.flopsInputHw);
      }

      let predictor: Predictor;
      let steps = 0;
      let trainSeconds = 0;
      if ('model' in config.student) {
        const rng = new Rng(config.seed);
        const student = buildBackbone(config.student.model, rng.seed());
        models.push(student);
        params[PARAM.studentParams] = countParams(student);
        params[PARAM.studentFlops] = countFlops(student, instance.flopsInputHw);
        await handle.logParams(params);
        const terms = config.kd!.terms;
        const tapNames = (side: 'student' | 'teacher') => [...new Set(terms.map((t) => t[side]).filter((n) => n !== 'output' && n !== 'target'))];
        const studentTaps: Tapped = tapModel(student, tapNames('student'));
        const teacherTaps: Tapped | undefined = teacher ? tapModel(teacher.model, tapNames('teacher')) : undefined;
        const adapterSeed = rng.seed();
        const dataRng = rng.fork();
        const objective = new DistillationObjective(terms, channelsOf(instance, studentTaps, teacherTaps), adapterSeed);
        const checkpoints = new CheckpointStore(runDir, config.train!.keepCheckpoints);
        loop = new TrainingLoop({
          student: studentTaps,
          teacher: teacherTaps,
          objective,
          stream: instance.trainStream(dataRng),
          dataRng,
          optim: config.optim!,
          train: config.train!,
          checkpoints,
          log: (values, step) => handle.logMetrics(values, step),
          stopRequested: () => signals.requested(),
          label: config.name,
        });
        const from = opts.resume ? await loop.restore() : 0;
        if (from > 0) {
          log(`resumed from ${checkpoints.pathOf(from)}`);
          await handle.setTags({ [TAG.resumedFrom]: String(from) });
        }
        const started = Date.now();
        await loop.run();
        trainSeconds = (Date.now() - started) / 1000;
        steps = loop.step;
        const finalDir = path.join(runDir, FINAL);
        writeWeightsDir(finalDir, { groups: { model: modelWeights(student) }, state: { step: steps, spec: config.student.model } });
        await handle.logArtifact(finalDir, FINAL);
        predictor = { kind: 'model', predict: predictWith(student) };
      } else {
        await handle.logParams(params);
        const name = config.student.baseline;
        if (name === 'teacher') {
          if (!teacher) throw new Error('config.student.baseline: teacher needs config.teacher');
          predictor = { kind: 'model', predict: predictWith(teacher.model) };
        } else {
          if (!instance.baselines.includes(name)) throw new Error(`config.student.baseline: unknown baseline ${JSON.stringify(name)} (task ${config.task} has: teacher, ${instance.baselines.join(', ')})`);
          predictor = { kind: 'baseline', name };
        }
      }

      let metrics: Record<string, number> = {};
      let evalSeconds = 0;
      if (opts.evaluate !== false) ({ metrics, seconds: evalSeconds } = await logEval(handle, runDir, instance, predictor, steps, log));
      const result: RunResult = {
        runId: handle.runId,
        runDir,
        experiment: config.experiment,
        name: config.name,
        method: config.method ?? config.name,
        seed: config.seed,
        configHash: run.hash,
        status: 'FINISHED',
        metrics,
        tags,
        steps,
        trainSeconds,
        evalSeconds,
      };
      await handle.flush();
      await handle.end('FINISHED');
      writeRunResult(runDir, result);
      return result;
    } catch (err) {
      await handle.end(err instanceof RunInterrupted ? 'KILLED' : 'FAILED').catch(() => undefined);
      throw err;
    }
  } finally {
    loop?.dispose();
    for (const m of models) m.dispose();
    if (!opts.instance) instance.dispose();
    if (ownSignals) signals.uninstall();
  }
}

/** Channels of every tapped feature, read from one forward pass on a probe batch. */
function channelsOf(instance: TaskInstance, student: Tapped, teacher?: Tapped): { student: Record<string, number>; teacher: Record<string, number> } {
  // A throwaway stream: drawing the probe must not move the training stream.
  const probe = instance.trainStream(new Rng(0)).next();
  const read = (t: Tapped | undefined): Record<string, number> =>
    !t
      ? {}
      : tf.tidy(() => {
          const taps = t.forward(probe.input, false);
          const out: Record<string, number> = { output: taps.output.shape[taps.output.shape.length - 1] };
          for (const [k, v] of Object.entries(taps.features)) out[k] = v.shape[v.shape.length - 1];
          return out;
        });
  const channels = { student: read(student), teacher: read(teacher) };
  probe.input.dispose();
  probe.target.dispose();
  return channels;
}
