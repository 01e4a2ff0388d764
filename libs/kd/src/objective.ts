// DistillationObjective: the weighted sum of terms that every domain trains on.
//
// Each term routes one recorded student tensor and one teacher tensor (or the
// ground truth) to a loss:
//   { name, loss: {kind, ...options}, weight, student: <tap>, teacher: <tap> | 'target', adapter? }
// 'output' names a model's output; teacher 'target' is the batch ground truth.
// The task term is { name: 'task', loss: {kind: 'l1'}, weight: 1, student: 'output', teacher: 'target' }.
//
// An adapter (student width -> teacher width) is created for a term when the
// spec asks for one, or when the loss compares tensors element-wise
// (loss.needsSameChannels) and the channel counts given for the two taps
// differ; a 1x1 conv by default. The adapters' weights are trained with the
// student: optimise `trainableWeights` together with the student's.
//
// compute() returns the weighted total and each term's unweighted value, so
// the runner can log every term on its own. Inside optimizer.minimize /
// tf.variableGrads the engine disposes every tensor but the returned cost:
// read or tf.keep() the terms inside the closure. The teacher's weights must not
// be trainable (set teacher.trainable = false) or optimizers would update them.
import { z } from 'zod';
import { Rng, tf } from '@kdlab/engine';
import type { Scalar, Tensor, Variable } from '@kdlab/engine';
import { parseOptions } from '@kdlab/backbones';
import { createAdapter, type Adapter } from './adapter';
import { auxiliaryOf, extraTapsOf, type AuxiliaryNetwork } from './auxiliary';
import { createLoss, type DistillLoss, type LossContext } from './loss';
import type { Taps } from './taps';

export const OUTPUT = 'output';
export const TARGET = 'target';

export const termSpecSchema = z
  .object({
    name: z.string().min(1),
    loss: z.object({ kind: z.string().min(1) }).passthrough(),
    weight: z.number().finite().nonnegative(),
    student: z.string().min(1),
    teacher: z.string().min(1),
    adapter: z
      .object({ kind: z.enum(['conv1x1', 'mlp', 'convreg']), hidden: z.number().int().positive().optional() })
      .strict()
      .optional(),
    /**
     * The term is off before this training step (the step passed to compute(); always on when none is
     * passed): MRDA's encoder warm-up trains the student's DEN on the KD term alone, the task term from here.
     */
    fromStep: z.number().int().nonnegative().optional(),
  })
  .strict();

export type TermSpec = z.input<typeof termSpecSchema>;

export interface TapChannels {
  student: Record<string, number>;
  teacher: Record<string, number>;
}

interface Term {
  spec: z.output<typeof termSpecSchema>;
  loss: DistillLoss;
  adapter: Adapter | null;
}

function pick(taps: Taps, name: string, side: 'student' | 'teacher', term: string): Tensor {
  if (name === OUTPUT) return taps.output;
  const t = taps.features[name];
  if (!t) throw new Error(`term '${term}': the ${side} taps have no '${name}' (recorded: ${[OUTPUT, ...Object.keys(taps.features)].join(', ')})`);
  return t;
}

export class DistillationObjective {
  private readonly terms: Term[];

  constructor(terms: TermSpec[], channels: TapChannels, seed: number) {
    if (terms.length === 0) throw new Error('DistillationObjective: no terms');
    const rng = new Rng(seed);
    const lossRng = new Rng((seed ^ 0x5bd1e995) >>> 0);
    const seen = new Set<string>();
    this.terms = terms.map((raw, i) => {
      const label = `term ${i}${typeof raw?.name === 'string' ? ` ('${raw.name}')` : ''}`;
      const spec = parseOptions(termSpecSchema, raw, label);
      if (seen.has(spec.name)) throw new Error(`${label}: the name '${spec.name}' is used twice`);
      seen.add(spec.name);
      let loss: DistillLoss;
      try {
        loss = createLoss(spec.loss);
      } catch (err) {
        throw new Error(`term '${spec.name}': ${(err as Error).message}`);
      }
      const adapter = this.makeAdapter(spec, loss, channels, rng.seed());
      // Learned parts of the loss draw from their own stream, so adding one leaves every adapter's init unchanged.
      const studentWidth = adapter ? adapter.spec.outChannels : channels.student[spec.student];
      loss.build({ student: studentWidth, teacher: channels.teacher[spec.teacher] }, lossRng.seed());
      return { spec, loss, adapter };
    });
  }

  private makeAdapter(spec: Term['spec'], loss: DistillLoss, channels: TapChannels, seed: number): Adapter | null {
    const sC = channels.student[spec.student];
    const tC = spec.teacher === TARGET ? channels.teacher[TARGET] : channels.teacher[spec.teacher];
    const widthsDiffer = sC !== undefined && tC !== undefined && sC !== tC;
    if (!spec.adapter && !(loss.needsSameChannels && widthsDiffer)) return null;
    if (sC === undefined || tC === undefined) {
      throw new Error(`term '${spec.name}': an adapter needs the channel counts of student tap '${spec.student}' and teacher tap '${spec.teacher}' (pass them in channels)`);
    }
    const kind = spec.adapter?.kind ?? 'conv1x1';
    return createAdapter({ kind, inChannels: sC, outChannels: tC, hidden: spec.adapter?.hidden }, seed);
  }

  /**
   * The layer names the terms read from each model (without 'output' / 'target'): pass them to
   * tapModel and tapChannels. Terms given with their loss spec also contribute the layers their
   * loss reads through the LossContext (its `extraTaps`, e.g. a cross-layer correlation's second layer).
   */
  static tapNames(terms: (Pick<TermSpec, 'student' | 'teacher'> & { loss?: TermSpec['loss'] })[]): { student: string[]; teacher: string[] } {
    const extra = terms.map((t) => (t.loss ? extraTapsOf(createLoss(t.loss)) : { student: [], teacher: [] }));
    return {
      student: [...new Set([...terms.map((t) => t.student), ...extra.flatMap((e) => e.student)].filter((n) => n !== OUTPUT))],
      teacher: [...new Set([...terms.map((t) => t.teacher), ...extra.flatMap((e) => e.teacher)].filter((n) => n !== OUTPUT && n !== TARGET))],
    };
  }

  /**
   * The terms whose loss owns an auxiliary network (./auxiliary.ts), with a function that picks
   * the term's student and teacher tensors from the taps (the raw student tap: such losses do
   * not take an adapter).
   */
  auxiliaries(): { term: string; network: AuxiliaryNetwork; pick(student: Taps, teacher: Taps | null, target: Tensor): [Tensor, Tensor] }[] {
    return this.terms.flatMap(({ spec, loss }) => {
      const network = auxiliaryOf(loss);
      if (!network) return [];
      const pickPair = (student: Taps, teacher: Taps | null, target: Tensor): [Tensor, Tensor] => {
        if (spec.teacher !== TARGET && !teacher) throw new Error(`term '${spec.name}': its auxiliary network reads teacher tap '${spec.teacher}' but no teacher taps were given`);
        return [pick(student, spec.student, 'student', spec.name), spec.teacher === TARGET ? target : pick(teacher!, spec.teacher, 'teacher', spec.name)];
      };
      return [{ term: spec.name, network, pick: pickPair }];
    });
  }

  get studentTaps(): string[] {
    return DistillationObjective.tapNames(this.terms.map((t) => t.spec)).student;
  }

  get teacherTaps(): string[] {
    return DistillationObjective.tapNames(this.terms.map((t) => t.spec)).teacher;
  }

  /**
   * False when every term compares with the ground truth and no loss asks for extra teacher taps: the
   * training step then skips the teacher's forward pass (a teacher kept only for `student.init`, as in
   * KDSR's stage 2 without KD, may not even accept the student's input).
   */
  get needsTeacher(): boolean {
    return this.terms.some((t) => t.spec.teacher !== TARGET) || this.teacherTaps.length > 0;
  }

  get termNames(): string[] {
    return this.terms.map((t) => t.spec.name);
  }

  /**
   * Weighted total and each term's unweighted value. The caller owns the returned scalars.
   * `extra` adds to every loss's context (the batch input, the teacher as a function).
   */
  compute(student: Taps, teacher: Taps | null, target: Tensor, extra: Pick<LossContext, 'input' | 'teacherAt' | 'batch'> & { step?: number } = {}): { total: Scalar; terms: Record<string, Scalar> } {
    const { step, ...given } = extra;
    const context: LossContext = { ...given, student, teacher, target };
    const terms: Record<string, Scalar> = {};
    let total: Scalar | null = null;
    for (const { spec, loss, adapter } of this.terms) {
      if (spec.fromStep !== undefined && step !== undefined && step < spec.fromStep) continue;
      let t: Tensor;
      if (spec.teacher === TARGET) t = target;
      else if (!teacher) throw new Error(`term '${spec.name}': reads teacher tap '${spec.teacher}' but no teacher taps were given`);
      else t = pick(teacher, spec.teacher, 'teacher', spec.name);
      const s = pick(student, spec.student, 'student', spec.name);
      const value = tf.tidy(() => loss.compute(adapter ? adapter.apply(s) : s, t, context));
      terms[spec.name] = value;
      const weighted: Scalar = tf.tidy(() => value.mul(spec.weight) as Scalar);
      if (total === null) total = weighted;
      else {
        const sum: Scalar = tf.tidy(() => total!.add(weighted) as Scalar);
        tf.dispose([total, weighted]);
        total = sum;
      }
    }
    if (total === null) throw new Error(`DistillationObjective: no term is on at step ${step} (fromStep: ${this.terms.map((t) => `${t.spec.name} ${t.spec.fromStep ?? 0}`).join(', ')})`);
    return { total, terms };
  }

  /** Per term: its adapter's weights, then the loss's own learned weights (none for most losses). */
  get trainableWeights(): Variable[] {
    return this.terms.flatMap((t) => [...(t.adapter?.trainableWeights ?? []), ...t.loss.trainableWeights]);
  }

  /** Names matching getWeights(), e.g. 'adapter/fd/0', 'loss/mimkd/0': for checkpoints. */
  get weightNames(): string[] {
    return this.terms.flatMap((t) => [
      ...(t.adapter?.trainableWeights ?? []).map((_, i) => `adapter/${t.spec.name}/${i}`),
      ...t.loss.trainableWeights.map((_, i) => `loss/${t.spec.name}/${i}`),
    ]);
  }

  /** Copies of the adapter and loss weights (the caller disposes them). */
  getWeights(): Tensor[] {
    return this.terms.flatMap((t) => [...(t.adapter?.getWeights() ?? []), ...t.loss.trainableWeights.map((v) => v.clone())]);
  }

  setWeights(weights: Tensor[]): void {
    const expected = this.trainableWeights.length;
    if (weights.length !== expected) throw new Error(`DistillationObjective.setWeights: got ${weights.length} tensors, expected ${expected} (${this.weightNames.join(', ')})`);
    let at = 0;
    for (const t of this.terms) {
      if (t.adapter) {
        const k = t.adapter.trainableWeights.length;
        t.adapter.setWeights(weights.slice(at, at + k));
        at += k;
      }
      for (const v of t.loss.trainableWeights) {
        if (!tf.util.arraysEqual(v.shape, weights[at].shape)) throw new Error(`DistillationObjective.setWeights: loss weight ${at} of term '${t.spec.name}' has shape [${weights[at].shape}], expected [${v.shape}]`);
        v.assign(weights[at++]);
      }
    }
  }

  dispose(): void {
    for (const t of this.terms) {
      t.adapter?.dispose();
      t.loss.dispose();
    }
  }
}
