// The training loop: one gradient step over the student and adapter weights
// per batch, the teacher frozen; per-term losses logged; checkpoints with
// everything a bit-identical resume needs (weights, optimiser slots, step,
// RNG and sampler state).
import { tf } from '@kdlab/engine';
import type { LayersModel, Rng, Scalar, Tensor, TensorContainer, Variable } from '@kdlab/engine';
import type { DistillationObjective, Taps } from '@kdlab/kd';
import { assignStored } from '../checkpoint/stored';
import type { CheckpointStore } from '../checkpoint/store';
import type { OptimConfig, TrainConfig } from '../config/schema';
import { TrainOptimizer, type OptimizerState } from '../optim/optimizer';
import { learningRate } from '../optim/schedule';
import { withWeightDecay } from '../optim/weight-decay';
import { progress } from '../progress';
import type { BatchStream } from '../task';
import { AuxiliaryUpdates } from './auxiliary';
import { modelWeights, setModelWeights } from './models';
import { METRIC } from './naming';

/** A model and a forward pass that also returns its tapped features (see tapModel). */
export interface Tapped {
  forward(x: Tensor, training: boolean): Taps;
  /** The model itself: its weights are what is trained, saved and restored. */
  model: LayersModel;
}

export interface LoopParts {
  student: Tapped;
  teacher?: Tapped;
  objective: DistillationObjective;
  stream: BatchStream;
  /** The RNG the stream draws from (saved beside the stream's own state). */
  dataRng: Rng;
  optim: OptimConfig;
  train: TrainConfig;
  checkpoints: CheckpointStore;
  /** Logs a dict of metrics at a step (never blocks). */
  log(values: Record<string, number>, step: number): void;
  /** A signal name once the run should stop at the next step boundary. */
  stopRequested(): string | undefined;
  /** Called after each checkpoint is written (sweep workers upload it so another worker can take over). */
  afterCheckpoint?: (dir: string, step: number) => Promise<void>;
  label?: string;
}

export class RunInterrupted extends Error {
  constructor(readonly signal: string, readonly step: number, readonly checkpoint: string) {
    super(`${signal} at step ${step}: checkpoint saved to ${checkpoint}; continue with --resume`);
    this.name = 'RunInterrupted';
  }
}

/** Test hook: sleep after each step so a test can kill the process mid-run. */
const stepDelayMs = Number(process.env.KDLAB_STEP_DELAY_MS ?? 0);

/**
 * Signals (and the tracker's background sends) are delivered on the event
 * loop, which a synchronous training step never reaches: give it a turn after
 * every step, or Ctrl-C would only be seen when training ends.
 */
const yieldToEventLoop = (ms = 0) => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));

export class TrainingLoop {
  readonly optimizer: TrainOptimizer;
  private readonly vars: Variable[];
  /** Auxiliary networks of the losses (a GAN critic, a paraphraser), updated after each student step. */
  private readonly aux: AuxiliaryUpdates;
  /** Whether any term reads the teacher: fixed by the terms, so decided once (it builds each term's loss to ask). */
  private readonly teacherRead: boolean;
  step = 0;

  constructor(private readonly p: LoopParts) {
    this.optimizer = new TrainOptimizer(p.optim.optimizer);
    // A fixed order: TF.js keys optimiser slots by position in this list.
    this.vars = [...p.student.model.trainableWeights.map((w) => w.read() as Variable), ...p.objective.trainableWeights];
    if (p.teacher) p.teacher.model.trainable = false;
    this.aux = new AuxiliaryUpdates(p.objective);
    this.teacherRead = p.objective.needsTeacher;
  }

  private async checkpoint(): Promise<string> {
    const opt: OptimizerState = await this.optimizer.getState();
    const aux = this.aux.active ? await this.aux.state() : undefined;
    const where = this.p.checkpoints.save(this.step, {
      groups: {
        model: modelWeights(this.p.student.model),
        adapters: this.p.objective.trainableWeights.map((v) => ({ name: v.name, shape: [...v.shape], dtype: 'float32' as const, data: Float32Array.from(v.dataSync() as Float32Array) })),
        optimizer: opt.weights,
        ...(aux ? { auxiliary: aux.tensors } : {}),
      },
      state: { step: this.step, optimizerExtra: opt.extra, dataRng: this.p.dataRng.getState(), stream: this.p.stream.getState(), lr: this.optimizer.learningRate, ...(aux ? { auxiliaryExtra: aux.extra } : {}) },
    });
    await this.p.afterCheckpoint?.(where, this.step);
    return where;
  }

  /** Restores the newest checkpoint; returns its step (0 when there is none). */
  async restore(): Promise<number> {
    const latest = this.p.checkpoints.latest();
    if (!latest) return 0;
    const { groups, state } = latest.content;
    const where = this.p.checkpoints.pathOf(latest.step);
    setModelWeights(`${where} (model)`, this.p.student.model, groups.model ?? []);
    assignStored(`${where} (adapters)`, this.p.objective.trainableWeights, groups.adapters ?? []);
    await this.optimizer.setState({ weights: groups.optimizer ?? [], extra: state.optimizerExtra as Record<string, number> });
    if (this.aux.active) await this.aux.restore(where, groups.auxiliary ?? [], state.auxiliaryExtra as Record<string, number>[] | undefined);
    this.p.dataRng.setState(state.dataRng as number);
    this.p.stream.setState(state.stream);
    this.step = latest.step;
    return latest.step;
  }

  private oneStep(): Record<string, number> {
    // Batches are made on this thread between steps; logged so a run shows what a prefetch could save.
    const dataStart = performance.now();
    const { input, target, teacherInput, extra } = this.p.stream.next();
    const dataMs = performance.now() - dataStart;
    this.aux.begin(this.step);
    const teacherTaps = this.p.teacher && this.teacherRead ? tf.tidy(() => this.p.teacher!.forward(teacherInput ?? input, false) as unknown as TensorContainer) as unknown as Taps : null;
    // The frozen teacher as a function, for losses that use it as a fixed encoder (LossContext.teacherAt).
    const teacherAt = this.p.teacher ? (x: Tensor) => this.p.teacher!.forward(x, false) : undefined;
    let terms: Record<string, Scalar> = {};
    const kept: { total?: Scalar } = {};
    const optimized = this.optimizer.optimizer.minimize(
      () => {
        const studentTaps = this.p.student.forward(input, true);
        this.aux.keep(studentTaps);
        const out = this.p.objective.compute(studentTaps, teacherTaps, target, { input, teacherAt, step: this.step, ...(extra ? { batch: extra } : {}) });
        // Keep the per-term scalars and the total past minimize()'s tidy so they can be logged.
        terms = Object.fromEntries(Object.entries(out.terms).map(([k, v]) => [k, tf.keep(v)]));
        kept.total = tf.keep(out.total);
        return withWeightDecay(out.total, this.vars, this.p.optim.optimizer.weightDecay);
      },
      true,
      this.vars,
    )!;
    const total = kept.total!;
    if (optimized !== total) optimized.dispose();
    const values: Record<string, number> = { [METRIC.loss]: total.dataSync()[0], [METRIC.dataMs]: dataMs };
    for (const [k, v] of Object.entries(terms)) values[METRIC.term(k)] = v.dataSync()[0];
    const studentWeights = this.vars.slice(0, this.p.student.model.trainableWeights.length);
    Object.assign(values, this.aux.update(teacherTaps, target, { weights: studentWeights, forward: (x) => this.p.student.forward(x, true), input, lr: this.optimizer.learningRate }));
    tf.dispose([total, input, target, ...(teacherInput ? [teacherInput] : []), ...Object.values(extra ?? {}), ...Object.values(terms)]);
    if (teacherTaps) tf.dispose(teacherTaps as unknown as TensorContainer);
    return values;
  }

  /** Trains from `this.step` to `train.steps`, checkpointing on the way and at the end. */
  async run(): Promise<void> {
    const { train, optim } = this.p;
    const bar = progress(this.p.label ?? 'train', train.steps, { unit: 'step' });
    if (this.step > 0) bar.tick(this.step);
    let window: Record<string, number[]> = {};
    let windowStart = Date.now();
    while (this.step < train.steps) {
      const lr = learningRate(optim.optimizer.lr, optim.schedule, this.step, train.steps);
      this.optimizer.setLearningRate(lr);
      const values = this.oneStep();
      if (!Number.isFinite(values[METRIC.loss])) throw new Error(`step ${this.step}: the loss is ${values[METRIC.loss]} (diverged; lower optim.optimizer.lr?)`);
      this.step++;
      for (const [k, v] of Object.entries(values)) (window[k] ??= []).push(v);
      if (this.step % train.logEvery === 0 || this.step === train.steps) {
        const n = window[METRIC.loss].length;
        const means = Object.fromEntries(Object.entries(window).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
        this.p.log({ ...means, [METRIC.lr]: lr, [METRIC.stepsPerSec]: n / Math.max(1e-3, (Date.now() - windowStart) / 1000) }, this.step);
        window = {};
        windowStart = Date.now();
      }
      bar.tick(1, { loss: values[METRIC.loss], lr });
      await yieldToEventLoop(stepDelayMs);
      if (this.step % train.checkpointEvery === 0 || this.step === train.steps) await this.checkpoint();
      const signal = this.p.stopRequested();
      if (signal && this.step < train.steps) {
        bar.stop();
        const where = this.p.checkpoints.steps().includes(this.step) ? this.p.checkpoints.pathOf(this.step) : await this.checkpoint();
        throw new RunInterrupted(signal, this.step, where);
      }
    }
    bar.stop();
    // A run restored at its last step still needs its final checkpoint to exist.
    if (!this.p.checkpoints.steps().includes(this.step)) await this.checkpoint();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.aux.dispose();
  }
}
