// One run end to end: resolve the teacher (training and caching it if asked),
// open or reopen the tracking run, record provenance, train with checkpoints,
// evaluate the last step, and record the result. SIGINT/SIGTERM checkpoint and
// mark the run KILLED; `resume` continues from the newest checkpoint.
import * as fs from 'fs';
import * as path from 'path';
import { stringify as toYaml } from 'yaml';
import { Rng } from '@kdlab/engine';
import type { LayersModel } from '@kdlab/engine';
import { repoRoot } from '@kdlab/data';
import { buildBackbone, countFlops, countParams } from '@kdlab/backbones';
import { DistillationObjective, tapChannels, tapModel } from '@kdlab/kd';
import type { RunHandle, Tracker } from '@kdlab/tracking';
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
import { METRIC, TAG } from './train/naming';
import { resolveTeacher, type ResolvedTeacher } from './train/teacher';
import { initFromModel } from './train/init-from';
import { calibrateTerms } from './train/calibrate';
import { progress } from './progress';
import { sourceTags } from './source-tags';
import { loggedSteps, skippingLoggedPoints } from './resume-metrics';

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
  /** A tracker to log to instead of one created from the URI. */
  tracker?: Tracker;
  /** Evaluate on the task's test sets after training (default true). */
  evaluate?: boolean;
  /** Reuse a task instance (e.g. when a run trains its teacher first). */
  instance?: TaskInstance;
  signals?: StopSignals;
  log?: (line: string) => void;
  /** Called after each checkpoint of the student's training is written, with the run's tracking handle (sweep workers upload it). */
  afterCheckpoint?: (handle: RunHandle, dir: string, step: number) => Promise<void>;
  /** Called after the last training step with the in-memory models (tests check that the teacher stayed frozen). */
  afterTraining?: (models: { student: LayersModel; teacher?: LayersModel }) => void | Promise<void>;
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
  for (const [file, content] of Object.entries(result.files)) {
    fs.writeFileSync(path.join(evalDir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 1) + '\n');
  }
  if (Object.keys(result.files).length > 0) await handle.logArtifact(evalDir, 'eval');
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
    const teacherUsed = config.kd?.terms.some((t) => t.teacher !== 'target') || ('baseline' in config.student && config.student.baseline === 'teacher') || ('init' in config.student && config.student.init !== undefined);
    if (config.teacher && teacherUsed) {
      const configDir = path.dirname(path.resolve(run.source.split(' + ')[0]));
      teacher = await resolveTeacher(run, cacheDir, configDir, async (teacherRun, runsDir) => {
        log(`training the teacher (${teacherRun.config.name}); cached for later runs`);
        // The student's task instance serves the teacher unless the teacher trains on other data (teacher.train.data).
        const shared = config.teacher?.train?.data ? undefined : instance;
        const r = await executeRun(teacherRun, { ...opts, runsDir, resume: true, fresh: false, evaluate: false, instance: shared, signals, afterTraining: undefined, afterCheckpoint: undefined });
        return { finalDir: path.join(r.runDir, FINAL) };
      });
      models.push(teacher.model);
    }

    const tracker = opts.tracker ?? (await import('@kdlab/tracking')).createTracker(opts.trackingUri ?? config.tracking.uri);
    const opened = await tracker.startRun({ experiment: config.experiment, runName: config.name, resumeRunId: previous?.runId, tags: { [TAG.configHash]: run.hash } });
    // A resumed run replays steps whose points the store already has: log each (key, step) once.
    const handle = previous ? skippingLoggedPoints(opened, await loggedSteps(tracker, config.experiment, opened.runId)) : opened;
    if (!previous) writeRunState(runDir, { runId: handle.runId, configHash: run.hash, trackingUri: tracker.uri, startedAt: new Date().toISOString() });
    log(`${previous ? 'resuming' : 'run'} ${config.experiment}/${config.name}: tracking run ${handle.runId} (${tracker.uri})`);
    try {
      const tags: Record<string, string> = {
        ...provenanceTags(),
        [TAG.configHash]: run.hash,
        [TAG.task]: config.task,
        [TAG.method]: config.method ?? config.name,
        [TAG.role]: roleOf(run),
        [TAG.selection]: 'last-epoch',
        ...instance.tags,
      };
      if (teacher?.hash) tags[TAG.teacherHash] = teacher.hash;
      Object.assign(tags, sourceTags(config.source));
      tags[TAG.dataChecksums] = JSON.stringify(Object.fromEntries(instance.datasets().map((d) => [d.name, { sha256: d.sha256, files: d.files }])));
      Object.assign(tags, config.tags);
      await handle.setTags(tags);
      const resolvedFile = path.join(runDir, 'config.resolved.yaml');
      fs.writeFileSync(resolvedFile, `# resolved from ${run.source}\n# sha256 ${run.hash}\n${toYaml(config)}`);
      await handle.logArtifact(resolvedFile);

      await handle.logParams(flattenConfig({ ...config, source: undefined })); // the source goes in tags
      const sizeOf = (m: LayersModel) => ({ params: countParams(m), flops: countFlops(m, instance.flopsInputHw) });
      const teacherSize = teacher ? sizeOf(teacher.model) : undefined;
      if (teacherSize) handle.logMetrics({ [METRIC.teacherParams]: teacherSize.params, [METRIC.teacherFlops]: teacherSize.flops }, 0);

      let predictor: Predictor;
      // The final weights go to the tracking server while evaluation runs: a server that is slow or
      // retrying must not hold evaluation up (its error, if any, is raised once evaluation is done).
      let finalUpload: Promise<unknown> = Promise.resolve();
      let modelSize: Record<string, number> = {};
      let steps = 0;
      let trainSeconds = 0;
      if ('model' in config.student) {
        const rng = new Rng(config.seed);
        const student = buildBackbone(config.student.model, rng.seed());
        models.push(student);
        if (config.student.init) {
          const copied = initFromModel(student, teacher!.model, config.student.init.exclude);
          log(`student: ${copied} weights initialised from the teacher (excluding layers ${config.student.init.exclude.join(', ') || 'none'})`);
        }
        const size = sizeOf(student);
        modelSize = { [METRIC.params]: size.params, [METRIC.flops]: size.flops };
        handle.logMetrics(modelSize, 0);
        let terms = config.kd!.terms;
        // The terms' layers, and those their losses read through the context (e.g. a cross-layer correlation's second layer).
        const tapped = DistillationObjective.tapNames(terms);
        const tapNames = (side: 'student' | 'teacher') => tapped[side];
        // Taps share the models' layers; weights are saved and restored through the models themselves.
        const studentTaps: Tapped = { forward: tapModel(student, tapNames('student')).forward, model: student };
        const teacherTaps: Tapped | undefined = teacher ? { forward: tapModel(teacher.model, tapNames('teacher')).forward, model: teacher.model } : undefined;
        const adapterSeed = rng.seed();
        const dataRng = rng.fork();
        const channels = { student: tapChannels(student, tapNames('student')), teacher: teacher ? tapChannels(teacher.model, tapNames('teacher')) : {} };
        const stream = instance.trainStream(dataRng);
        const calibrate = config.kd!.calibrate;
        if (calibrate) {
          // The cross-task weight rule: measured on the first training batch, before any checkpoint is restored.
          const c = calibrateTerms({ terms, calibrate, channels, adapterSeed, student: studentTaps, teacher: teacherTaps, stream, dataRng });
          terms = c.terms;
          handle.logMetrics({ [METRIC.calibrationTaskLoss]: c.calibration.taskLoss, ...Object.fromEntries(Object.entries(c.calibration.weights).map(([k, w]) => [METRIC.calibratedWeight(k), w])) }, 0);
          log(`kd.calibrate (fraction ${calibrate.fraction} of the task loss ${c.calibration.taskLoss.toPrecision(4)} on the first batch): ${Object.entries(c.calibration.weights).map(([k, w]) => `${k}=${w.toPrecision(4)}`).join(', ')}`);
        }
        const objective = new DistillationObjective(terms, channels, adapterSeed);
        const checkpoints = new CheckpointStore(runDir, config.train!.keepCheckpoints);
        loop = new TrainingLoop({
          student: studentTaps,
          teacher: teacherTaps,
          objective,
          stream,
          dataRng,
          optim: config.optim!,
          train: config.train!,
          checkpoints,
          log: (values, step) => handle.logMetrics(values, step),
          stopRequested: () => signals.requested(),
          afterCheckpoint: opts.afterCheckpoint ? (dir, step) => opts.afterCheckpoint!(handle, dir, step) : undefined,
          label: config.name,
        });
        const from = opts.resume ? await loop.restore() : 0;
        if (from > 0) {
          log(`resumed from ${checkpoints.pathOf(from)}`);
          await handle.setTags({ [TAG.resumedFrom]: String(from) });
        }
        const started = Date.now();
        await loop.run();
        await opts.afterTraining?.({ student, teacher: teacher?.model });
        trainSeconds = (Date.now() - started) / 1000;
        steps = loop.step;
        const finalDir = path.join(runDir, FINAL);
        writeWeightsDir(finalDir, { groups: { model: modelWeights(student) }, state: { step: steps, spec: config.student.model } });
        finalUpload = handle.logArtifact(finalDir, FINAL).then(
          () => undefined,
          (err: unknown) => err,
        );
        predictor = { kind: 'model', predict: predictWith(student), model: student };
      } else {
        const name = config.student.baseline;
        if (name === 'teacher') {
          if (!teacher || !teacherSize) throw new Error('config.student.baseline: teacher needs config.teacher');
          modelSize = { [METRIC.params]: teacherSize.params, [METRIC.flops]: teacherSize.flops };
          handle.logMetrics(modelSize, 0);
          predictor = { kind: 'model', predict: predictWith(teacher.model), model: teacher.model };
        } else {
          if (!instance.baselines.includes(name)) throw new Error(`config.student.baseline: unknown baseline ${JSON.stringify(name)} (task ${config.task} has: teacher, ${instance.baselines.join(', ')})`);
          predictor = { kind: 'baseline', name };
        }
      }

      let metrics: Record<string, number> = {};
      let evalSeconds = 0;
      if (opts.evaluate !== false) ({ metrics, seconds: evalSeconds } = await logEval(handle, runDir, instance, predictor, steps, log));
      const uploadError = await finalUpload;
      if (uploadError) throw uploadError;
      const result: RunResult = {
        runId: handle.runId,
        runDir,
        experiment: config.experiment,
        name: config.name,
        method: config.method ?? config.name,
        seed: config.seed,
        configHash: run.hash,
        status: 'FINISHED',
        metrics: { ...modelSize, ...metrics },
        tags,
        steps,
        trainSeconds,
        evalSeconds,
      };
      await handle.flush();
      await handle.end('FINISHED');
      writeRunResult(runDir, result);
      // A signal that came after the last step (e.g. during evaluation) still stops
      // the process: the run is complete, so a reproduction skips it when re-run.
      const late = signals.requested();
      if (late) throw new RunInterrupted(late, steps, `${runDir} (the run had finished)`);
      return result;
    } catch (err) {
      if (!readRunResult(runDir)) await handle.end(err instanceof RunInterrupted ? 'KILLED' : 'FAILED').catch(() => undefined);
      throw err;
    }
  } finally {
    loop?.dispose();
    for (const m of models) m.dispose();
    if (!opts.instance) instance.dispose();
    if (ownSignals) signals.uninstall();
  }
}
